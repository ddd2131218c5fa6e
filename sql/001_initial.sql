-- lapor-smsd schema version 1: incoming SMS, complaints and their replies.
--
-- Applied by `lapor-smsctl migrate` in one transaction, which also records the version in
-- schema_version. The daemon refuses to run against a version it does not know.

CREATE TABLE schema_version (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);

-- A message as the citizen sent it: one SMS, or the parts of a concatenated SMS joined in order.
-- A multipart message stays 'open' until all its parts are here ('complete'), or until the
-- multipart timeout makes it 'incomplete'; a part that comes later still joins it.
CREATE TABLE sms_in (
    id                bigserial PRIMARY KEY,
    instance          text NOT NULL,
    sender            text NOT NULL,
    concat_ref        integer,
    concat_total      integer,
    first_smsc_time   timestamptz,
    first_received_at timestamptz NOT NULL DEFAULT now(),
    kind              text NOT NULL DEFAULT 'text'
                      CHECK (kind IN ('text', 'flash', 'binary', 'status_report')),
    state             text NOT NULL DEFAULT 'open'
                      CHECK (state IN ('open', 'complete', 'incomplete')),
    text              text,
    closed_at         timestamptz
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

-- Complaints. The id is the ticket's sequence number; citizens see it followed by its Damm check
-- digit (100000 is shown as #1000002), which the programs add and verify.
CREATE SEQUENCE complaint_seq START 100000 MINVALUE 100000 MAXVALUE 999999999;
CREATE TABLE complaint (
    id         bigint PRIMARY KEY DEFAULT nextval('complaint_seq'),
    sms_in_id  bigint NOT NULL UNIQUE REFERENCES sms_in (id),
    sender     text NOT NULL,
    text       text NOT NULL,
    incomplete boolean NOT NULL DEFAULT false,
    status     text NOT NULL DEFAULT 'baru'
               CHECK (status IN ('baru', 'diteruskan', 'diproses', 'selesai', 'ditunda',
                                 'ditolak', 'dibatalkan', 'arsip')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
ALTER SEQUENCE complaint_seq OWNED BY complaint.id;

-- The ticket citizens see for a complaint id: the id followed by its Damm check digit. The
-- programs compute the same in C (ticket.c); the tests check that both agree.
CREATE FUNCTION ticket_of(p_seq bigint) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT AS $$
    WITH RECURSIVE step(i, interim) AS (
        SELECT 1, 0
        UNION ALL
        SELECT i + 1,
               ('{0,3,1,7,5,9,8,6,4,2,7,0,9,2,1,5,4,8,6,3,4,2,0,6,8,7,1,3,5,9,1,7,5,0,9,8,3,4,2,6,6,1,2,3,0,4,5,9,7,8,3,6,7,4,2,0,9,5,8,1,5,8,6,9,7,2,0,1,3,4,8,9,4,5,3,6,2,0,1,7,9,4,3,8,6,1,7,2,0,5,2,5,8,1,4,3,6,7,9,0}'::int[])[interim * 10 + substr(p_seq::text, i, 1)::int + 1]
          FROM step
         WHERE i <= length(p_seq::text))
    SELECT p_seq * 10 + interim FROM step ORDER BY i DESC LIMIT 1;
$$;

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

CREATE TABLE outbox_part (
    outbox_id  bigint NOT NULL REFERENCES outbox (id),
    seq        integer NOT NULL,
    status     text NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'unknown')),
    instance   text NOT NULL,
    msg_ref    integer,
    error      text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (outbox_id, seq)
);

-- Stores one part and joins it to its message, in the caller's transaction. Returns what became
-- of it: 'duplicate' (stored before), 'single' (a message of its own), 'waiting' (more parts to
-- come), 'complete' (this part completed its message) or 'late' (it joined a message that the
-- multipart timeout had already closed as incomplete).
CREATE FUNCTION intake_part(
    p_instance text, p_sender text, p_sender_raw text, p_smsc text, p_smsc_time timestamptz,
    p_coding text, p_class smallint, p_kind text, p_ref integer, p_total integer, p_seq integer,
    p_udh bytea, p_raw bytea, p_text text, p_join_window interval,
    OUT outcome text, OUT msg_id bigint, OUT msg_text text, OUT msg_complete boolean)
LANGUAGE plpgsql
-- PL/pgSQL plans each statement once per session and may keep a generic plan for good; the
-- daemon's session often starts on an empty database, where a sequential scan looks cheapest,
-- and the plan would then read whole tables for every part once they are full (measured with
-- auto_explain at 10,000 messages). Every statement here has an index made for it.
SET enable_seqscan = off
AS $$
DECLARE
    v_key   text;
    v_state text;
    v_have  integer;
BEGIN
    v_key := md5(concat_ws('|', p_sender_raw, p_smsc_time, p_coding, p_ref, p_total, p_seq,
                           encode(p_udh, 'hex'), encode(p_raw, 'hex'), p_text));
    SELECT p.sms_in_id INTO msg_id FROM sms_part p WHERE p.idem_key = v_key;
    IF FOUND THEN
        outcome := 'duplicate';
        RETURN;
    END IF;

    IF p_total IS NULL OR p_total <= 1 THEN
        INSERT INTO sms_in (instance, sender, first_smsc_time, kind, state, text, closed_at)
        VALUES (p_instance, p_sender, p_smsc_time, p_kind, 'complete', p_text, now())
        RETURNING id INTO msg_id;
        INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                              msg_class, concat_seq, udh, raw, text)
        VALUES (v_key, msg_id, p_instance, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class,
                p_seq, p_udh, p_raw, p_text);
        outcome := 'single';
        msg_text := p_text;
        msg_complete := true;
        RETURN;
    END IF;

    -- Parts of one message come from one sender with one reference and total, and were sent
    -- together, so their SMSC times lie close. Serialise the parts of one sender and reference.
    PERFORM pg_advisory_xact_lock(hashtext(p_sender), p_ref);
    SELECT g.id, g.state INTO msg_id, v_state
      FROM sms_in g
     WHERE g.sender = p_sender AND g.concat_ref = p_ref AND g.concat_total = p_total
       AND CASE WHEN p_smsc_time IS NOT NULL AND g.first_smsc_time IS NOT NULL
                THEN abs(extract(epoch FROM g.first_smsc_time - p_smsc_time))
                     <= extract(epoch FROM p_join_window)
                ELSE g.first_received_at > now() - p_join_window END
       -- A subplan run for each candidate with its id, never a join: a join planned while
       -- sms_part was empty would read all of it for every later part.
       AND p_seq <> ALL (ARRAY(SELECT q.concat_seq FROM sms_part q WHERE q.sms_in_id = g.id))
     ORDER BY g.id DESC
     LIMIT 1
       FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sms_in (instance, sender, concat_ref, concat_total, first_smsc_time, kind)
        VALUES (p_instance, p_sender, p_ref, p_total, p_smsc_time, p_kind)
        RETURNING id, state INTO msg_id, v_state;
    END IF;
    INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                          msg_class, concat_seq, udh, raw, text)
    VALUES (v_key, msg_id, p_instance, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class,
            p_seq, p_udh, p_raw, p_text);

    SELECT count(DISTINCT q.concat_seq) INTO v_have
      FROM sms_part q
     WHERE q.sms_in_id = msg_id AND q.concat_seq BETWEEN 1 AND p_total;
    msg_complete := v_have = p_total;
    IF v_state = 'open' AND NOT msg_complete THEN
        outcome := 'waiting';
        RETURN;
    END IF;

    msg_text := sms_in_joined_text(msg_id);
    UPDATE sms_in
       SET state = CASE WHEN msg_complete THEN 'complete' ELSE state END,
           text = msg_text,
           closed_at = coalesce(closed_at, now())
     WHERE id = msg_id;
    outcome := CASE WHEN v_state = 'open' THEN 'complete' ELSE 'late' END;
END;
$$;

-- The text of a message: its parts in order; a repeated part number counts once.
CREATE FUNCTION sms_in_joined_text(p_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(t.text, '' ORDER BY t.concat_seq), '')
      FROM (SELECT DISTINCT ON (q.concat_seq) q.concat_seq, q.text
              FROM sms_part q
             WHERE q.sms_in_id = p_id
             ORDER BY q.concat_seq, q.id) t;
$$;

-- Closes messages whose parts stopped coming: after p_timeout from the first part, the message is
-- taken as it is, marked incomplete. SKIP LOCKED lets several daemons sweep at once.
CREATE FUNCTION intake_expire(p_timeout interval, p_limit integer)
RETURNS TABLE (msg_id bigint, msg_sender text, msg_kind text, msg_text text)
LANGUAGE sql AS $$
    UPDATE sms_in g
       SET state = 'incomplete', text = sms_in_joined_text(g.id), closed_at = now()
     WHERE g.id IN (SELECT o.id FROM sms_in o
                     WHERE o.state = 'open' AND o.first_received_at < now() - p_timeout
                     ORDER BY o.id
                     LIMIT p_limit
                       FOR UPDATE SKIP LOCKED)
    RETURNING g.id, g.sender, g.kind, g.text;
$$;

-- Roles: the daemon's (no DDL), the operators' read-only one. Created where the migrating role may
-- create roles; grants follow either way where the roles exist.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_daemon') THEN
        BEGIN
            CREATE ROLE lapor_daemon NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'role lapor_daemon not created: %', SQLERRM;
        END;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_reader') THEN
        BEGIN
            CREATE ROLE lapor_reader NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE NOTICE 'role lapor_reader not created: %', SQLERRM;
        END;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_daemon') THEN
        GRANT SELECT, INSERT, UPDATE ON sms_in, sms_part, complaint, complaint_event, outbox,
              outbox_part TO lapor_daemon;
        GRANT SELECT ON schema_version TO lapor_daemon;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lapor_daemon;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_reader') THEN
        GRANT SELECT ON ALL TABLES IN SCHEMA public TO lapor_reader;
    END IF;
END;
$$;
