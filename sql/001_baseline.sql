-- lapor-smsd schema version 1: the baseline. The tables, indexes, sequences, roles and grants of
-- the whole schema as it stands; functions and views are not here but in repeatable/ (see
-- README.md in this folder), which `lapor-smsctl migrate` applies after the numbered
-- migrations, in the same transaction, every time it runs.

CREATE TABLE schema_version (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- A message as the citizen sent it: one SMS, or the parts of a concatenated SMS joined in order.
-- A multipart message stays 'open' until all its parts are here ('complete'), or until the
-- multipart timeout makes it 'incomplete'; a part that comes later still joins it. command is
-- what the message asked ("complaint", "check", "add", ...); complaint_id the ticket it concerned:
-- for a complaint its own, for a command or a resent text the one it was about.
CREATE TABLE sms_in (
    id                bigserial PRIMARY KEY,
    instance          text NOT NULL,
    sender            text NOT NULL,
    concat_ref        integer,
    concat_total      integer,
    first_smsc_time   timestamptz,
    first_received_at timestamptz NOT NULL DEFAULT now(),
    kind              text NOT NULL DEFAULT 'text'
                      CHECK (kind IN ('text', 'flash', 'binary', 'status_report', 'undecodable')),
    state             text NOT NULL DEFAULT 'open'
                      CHECK (state IN ('open', 'complete', 'incomplete')),
    text              text,
    closed_at         timestamptz,
    command           text,
    complaint_id      bigint -- REFERENCES complaint (id), added below
);
CREATE INDEX sms_in_open ON sms_in (first_received_at) WHERE state = 'open';
-- With id last, the newest message of a group (ORDER BY id DESC LIMIT 1) comes from this index.
CREATE INDEX sms_in_group ON sms_in (sender, concat_ref, concat_total, id)
    WHERE concat_ref IS NOT NULL;

-- Every part exactly as it was read from a modem. idem_key makes storing idempotent: the same
-- part read again (a redelivery, a modem that did not delete it, a crash before the delete)
-- finds its own row instead of adding one.
CREATE TABLE sms_part (
    id          bigserial PRIMARY KEY,
    idem_key    text NOT NULL UNIQUE,
    sms_in_id   bigint NOT NULL REFERENCES sms_in (id),
    instance    text NOT NULL,
    sender_raw  text NOT NULL,
    smsc        text,
    smsc_time   timestamptz,
    received_at timestamptz NOT NULL DEFAULT now(),
    coding      text NOT NULL,
    msg_class   smallint,
    concat_seq  integer,
    udh         bytea,
    raw         bytea,
    text        text NOT NULL
);
CREATE INDEX sms_part_in ON sms_part (sms_in_id, concat_seq);

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

-- Complaints. The id is the ticket's sequence number; citizens see it followed by its Damm check
-- digit (100000 is shown as #1000002), which the programs add and verify. keyword is the agency
-- routing keyword the complaint carried (first word or #hashtag), when it is one.
CREATE SEQUENCE complaint_seq START 100000 MINVALUE 100000 MAXVALUE 999999999;
CREATE TABLE complaint (
    id                bigint PRIMARY KEY DEFAULT nextval('complaint_seq'),
    sms_in_id         bigint NOT NULL UNIQUE REFERENCES sms_in (id),
    sender            text NOT NULL,
    text              text NOT NULL,
    incomplete        boolean NOT NULL DEFAULT false,
    status            text NOT NULL DEFAULT 'baru'
                      CHECK (status IN ('baru', 'diteruskan', 'diproses', 'selesai', 'ditunda',
                                        'ditolak', 'dibatalkan', 'arsip')),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    confidential      boolean NOT NULL DEFAULT false,
    keyword           text,
    agency_id         integer REFERENCES agency (id),
    routed_at         timestamptz,
    first_followup_at timestamptz,
    closed_at         timestamptz
);
ALTER SEQUENCE complaint_seq OWNED BY complaint.id;
ALTER TABLE sms_in ADD FOREIGN KEY (complaint_id) REFERENCES complaint (id);
CREATE INDEX complaint_sender ON complaint (sender, created_at);
CREATE INDEX complaint_agency ON complaint (agency_id, status);
-- Finding a resent text without reading every complaint of the sender: a number that floods 1708
-- with thousands of different texts would otherwise make each new message compare itself with
-- all of them.
CREATE INDEX complaint_resend ON complaint (sender, md5(text), created_at);

-- The history of each complaint: every change, with who made it.
CREATE TABLE complaint_event (
    id           bigserial PRIMARY KEY,
    complaint_id bigint NOT NULL REFERENCES complaint (id),
    at           timestamptz NOT NULL DEFAULT now(),
    actor        text NOT NULL,
    kind         text NOT NULL,
    detail       text
);
CREATE INDEX complaint_event_complaint ON complaint_event (complaint_id, id);

-- Outgoing messages. A daemon claims a row with a lease (FOR UPDATE SKIP LOCKED), records each
-- part before and after handing it to the modem, and a send whose outcome is unknown ends as
-- 'unknown' instead of being repeated.
CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    complaint_id    bigint REFERENCES complaint (id),
    sms_in_id       bigint REFERENCES sms_in (id),
    kind            text NOT NULL,
    destination     text NOT NULL,
    text            text NOT NULL,
    via_instance    text,
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'unknown',
                                      'cancelled')),
    concat_ref      integer,
    parts           integer,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_until     timestamptz,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz
);
CREATE INDEX outbox_ready ON outbox (next_attempt_at, id) WHERE status = 'queued';
CREATE INDEX outbox_leased ON outbox (lease_until) WHERE status = 'sending';
-- One reply of each kind per incoming message, whatever happens to the transaction that made it.
CREATE UNIQUE INDEX outbox_one_reply ON outbox (sms_in_id, kind) WHERE sms_in_id IS NOT NULL;
-- The reply budget counts the replies queued to one number in a window.
CREATE INDEX outbox_destination ON outbox (destination, created_at);

-- Each part of a reply as handed to a modem, and the delivery report on it. Reports name the
-- message reference the network gave the part (0-255, so it repeats) and the recipient: the
-- newest sent part to that number with that reference is the one.
CREATE TABLE outbox_part (
    outbox_id     bigint NOT NULL REFERENCES outbox (id),
    seq           integer NOT NULL,
    status        text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unknown')),
    instance      text NOT NULL,
    msg_ref       integer,
    error         text,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    delivery      text CHECK (delivery IN ('pending', 'delivered', 'failed', 'expired')),
    delivery_code integer,
    delivery_at   timestamptz,
    PRIMARY KEY (outbox_id, seq)
);
CREATE INDEX outbox_part_msg_ref ON outbox_part (msg_ref, updated_at) WHERE status = 'sent';

-- One row per daemon (instance), rewritten every few seconds. A row whose beat_at is old belongs
-- to a daemon that is down or hung. undecodable_taken counts messages kept raw because they
-- could not be decoded; calls_rejected the voice calls the modem rejected (citizens do call
-- 1708) since the daemon started; the recovery_* columns show the modem recovery ladder.
CREATE TABLE heartbeat (
    instance          text PRIMARY KEY,
    host              text NOT NULL,
    pid               integer NOT NULL,
    started_at        timestamptz NOT NULL,
    beat_at           timestamptz NOT NULL DEFAULT now(),
    modem_state       text NOT NULL,
    modem_connected   boolean NOT NULL,
    worker_pid        integer,
    worker_starts     integer NOT NULL DEFAULT 0,
    worker_deaths     integer NOT NULL DEFAULT 0,
    last_worker_death text,
    undecodable_taken integer NOT NULL DEFAULT 0,
    last_error        text,
    last_error_at     timestamptz,
    last_receive_at   timestamptz,
    last_send_at      timestamptz,
    imei              text,
    imsi              text,
    network           text,
    signal_percent    integer,
    battery_percent   integer,
    sim_used          integer,
    sim_total         integer,
    phone_used        integer, -- the phone's own message memory, beside the SIM's
    phone_total       integer,
    calls_rejected    integer,
    recovery_step     text,    -- the step being taken, NULL when none
    recovery_failures integer, -- failures in a row so far
    recoveries        integer, -- times the modem came back
    last_recovery     text,    -- the step it last came back after
    last_recovery_at  timestamptz
);

-- The liaison officers ("pejabat penghubung") of each agency, by their registered numbers (E.164).
CREATE TABLE liaison (
    id         serial PRIMARY KEY,
    agency_id  integer NOT NULL REFERENCES agency (id),
    number     text NOT NULL CHECK (number ~ '^\+[0-9]{7,15}$'),
    name       text,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, number)
);
CREATE INDEX liaison_number ON liaison (number) WHERE active;

-- Days that are not working days besides Saturdays and Sundays. 'config' rows mirror the holidays
-- of the daemons' configuration; 'database' rows are kept by operators.
CREATE TABLE holiday (
    day    date PRIMARY KEY,
    name   text,
    source text NOT NULL DEFAULT 'database' CHECK (source IN ('database', 'config'))
);

-- One reminder a day at most to the liaisons of an overdue ticket, whichever daemon sends it.
CREATE TABLE reminder (
    complaint_id bigint NOT NULL REFERENCES complaint (id),
    day          date NOT NULL,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (complaint_id, day)
);

-- The three roles:
--   lapor_owner   owns every table, view, sequence and function of the schema; only a login that
--                 is a member of it (or a superuser) can change the schema. NOLOGIN. Everything
--                 is handed to it at the end of every migrate (repeatable/99_owner_and_grants.sql).
--   lapor_daemon  what lapor-smsd needs and no more: reads and writes rows, never DDL. A daemon
--                 logs in as a role that is a member of it (CREATE ROLE gw LOGIN IN ROLE
--                 lapor_daemon).
--   lapor_reader  read-only, for operators who look (lapor-smsctl status, outbox list, metrics).
-- Created where the migrating role may create roles; where it may not, a notice says so and an
-- administrator creates them and migrates again (the repeatable grants then follow; the tables'
-- grants below are given by hand).
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['lapor_owner', 'lapor_daemon', 'lapor_reader'] LOOP
        IF to_regrole(r) IS NULL THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE NOTICE 'role % not created: %', r, SQLERRM;
            END;
        END IF;
    END LOOP;
END;
$$;

DO $$
BEGIN
    IF to_regrole('lapor_daemon') IS NOT NULL THEN
        GRANT SELECT, INSERT, UPDATE ON sms_in, sms_part, complaint, complaint_event, outbox,
              outbox_part, heartbeat, liaison, holiday, reminder TO lapor_daemon;
        -- The daemon replaces the holidays its configuration lists, so it deletes those rows.
        GRANT DELETE ON holiday TO lapor_daemon;
        GRANT SELECT ON schema_version, agency, agency_keyword TO lapor_daemon;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lapor_daemon;
    END IF;
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO lapor_reader;
    END IF;
END;
$$;
