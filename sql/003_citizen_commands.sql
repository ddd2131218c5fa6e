-- lapor-smsd schema version 3: citizens' commands (CEK, TAMBAH, BATAL, RAHASIA), routing keywords,
-- and what each incoming message asked.

ALTER TABLE complaint ADD COLUMN confidential boolean NOT NULL DEFAULT false;
-- The agency routing keyword the complaint carried (first word or #hashtag), when it is one.
ALTER TABLE complaint ADD COLUMN keyword text;
CREATE INDEX complaint_sender ON complaint (sender, created_at);

-- What the message asked ("complaint", "check", "add", ...), and the ticket it concerned: for a
-- complaint its own, for a command or a resent text the one it was about.
ALTER TABLE sms_in ADD COLUMN command text;
ALTER TABLE sms_in ADD COLUMN complaint_id bigint REFERENCES complaint (id);

-- The reply budget counts the replies queued to one number in a window.
CREATE INDEX outbox_destination ON outbox (destination, created_at);

-- Agencies and their routing keywords (e.g. PDAM, GUMAS, TANGKAB).
CREATE TABLE agency (
    id         serial PRIMARY KEY,
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE agency_keyword (
    keyword   text PRIMARY KEY CHECK (keyword = upper(keyword) AND keyword ~ '^[A-Z0-9]{2,31}$'),
    agency_id integer NOT NULL REFERENCES agency (id)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_daemon') THEN
        GRANT SELECT ON agency, agency_keyword TO lapor_daemon;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_reader') THEN
        GRANT SELECT ON agency, agency_keyword TO lapor_reader;
    END IF;
END;
$$;
