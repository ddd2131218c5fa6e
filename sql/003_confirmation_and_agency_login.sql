-- A command that changes a ticket (a liaison's TL or SELESAI, a citizen's BATAL or TAMBAH) acts
-- only once its sender has answered a short code sent to the number it claims to come from: the
-- sender number can be forged, the code reaches only the real phone. One row per code asked;
-- only a salted hash of the code is kept, and lapor_reader gets no right on this table.
CREATE TABLE confirmation (
    id           bigserial PRIMARY KEY,
    sender       text NOT NULL,
    sms_in_id    bigint NOT NULL REFERENCES sms_in (id), -- the command waiting for its code
    complaint_id bigint NOT NULL REFERENCES complaint (id),
    salt         text NOT NULL,
    code_hash    bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    attempts     integer NOT NULL DEFAULT 0, -- wrong codes sent from this number meanwhile
    used_at      timestamptz
);
CREATE INDEX confirmation_live ON confirmation (sender, id) WHERE used_at IS NULL;

DO $$
BEGIN
    IF to_regrole('lapor_daemon') IS NOT NULL THEN
        GRANT SELECT, INSERT, UPDATE ON confirmation TO lapor_daemon;
        GRANT USAGE ON SEQUENCE confirmation_id_seq TO lapor_daemon;
    END IF;
END;
$$;

-- Agencies' own logins. An agency's system logs in as a role that is a member of lapor_agency and
-- is listed here with its agency; it reads agency_own_ticket (its agency's tickets, never a
-- confidential complaint's sender) and nothing else. lapor_reader, which reads every table, is
-- the operators' role, never an agency's.
CREATE TABLE agency_login (
    login     name PRIMARY KEY,
    agency_id integer NOT NULL REFERENCES agency (id)
);

DO $$
BEGIN
    IF to_regrole('lapor_agency') IS NULL THEN
        BEGIN
            CREATE ROLE lapor_agency NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'role lapor_agency not created: %', SQLERRM;
        END;
    END IF;
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON agency_login TO lapor_reader;
    END IF;
END;
$$;
