-- Small helpers of intake_batch() (60_intake_batch.sql), each the one place of its rule.

-- A part's idempotency key: the same part read again (a redelivery, a modem that did not delete
-- it, a crash before the delete) has the same key and finds its own row, whatever the session's
-- TimeZone or DateStyle: the SMSC time goes in as seconds since 1970 (a numeric, whose text has
-- one spelling), never as a timestamp's text. Byte strings come as lowercase hex; a single SMS
-- has no reference, total or number.
CREATE OR REPLACE FUNCTION lapor_part_key(
    p_sender_raw text, p_smsc_time timestamptz, p_coding text, p_ref integer, p_total integer,
    p_seq integer, p_udh_hex text, p_raw_hex text, p_text text) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT md5(concat_ws('|', p_sender_raw, extract(epoch FROM p_smsc_time), p_coding, p_ref,
                         p_total, p_seq, p_udh_hex, p_raw_hex, p_text));
$$;

-- The message a part of a concatenated message joins: the newest of its sender, reference and
-- total that does not hold its number yet, in any state, whose first part's SMSC time lies
-- within p_window seconds of its own (or, when either time is unknown, that began within the
-- window). Parts of one message were sent together, so their SMSC times lie close. A set of one
-- row or none, so that the planner inlines it where it is joined (LATERAL).
CREATE OR REPLACE FUNCTION lapor_join_candidate(
    p_sender text, p_ref integer, p_total integer, p_seq integer, p_smsc_time timestamptz,
    p_window integer) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT g.id
      FROM sms_in g
     WHERE g.sender = p_sender AND g.concat_ref = p_ref AND g.concat_total = p_total
       AND CASE WHEN p_smsc_time IS NOT NULL AND g.first_smsc_time IS NOT NULL
                THEN abs(extract(epoch FROM g.first_smsc_time - p_smsc_time)) <= p_window
                ELSE g.first_received_at > now() - make_interval(secs => p_window) END
       -- A subplan run for each candidate with its id, never a join: a join planned while
       -- sms_part was empty would read all of it for every later part.
       AND p_seq <> ALL (ARRAY(SELECT q.concat_seq FROM sms_part q WHERE q.sms_in_id = g.id))
     ORDER BY g.id DESC
     LIMIT 1;
$$;

-- Takes the transaction's advisory lock p_kind || number ('resend:' or 'budget:') for every
-- number of p_numbers, in the order of their hashes, so that two transactions locking sets that
-- overlap wait for each other instead of deadlocking. Called as a statement of its own, so that
-- what the caller reads next sees what each lock's previous holder committed.
CREATE OR REPLACE FUNCTION lapor_lock_numbers(p_kind text, p_numbers text[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(l.h)
       FROM (SELECT DISTINCT hashtext(p_kind || n) AS h FROM unnest(p_numbers) n) l
      ORDER BY l.h;
END;
$$;

-- The ticket a text resent joins: the newest complaint of p_sender with the text p_text made
-- within the last p_window seconds and not withdrawn; none when p_window is 0. By the index
-- complaint_resend. A set of one row or none, so that the planner inlines it (LATERAL).
CREATE OR REPLACE FUNCTION lapor_resent_to(p_sender text, p_text text, p_window integer)
RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
    SELECT c.id
      FROM complaint c
     WHERE p_window > 0
       AND c.sender = p_sender AND md5(c.text) = md5(p_text) AND c.text = p_text
       AND c.created_at > now() - make_interval(secs => p_window)
       AND c.status <> 'dibatalkan'
     ORDER BY c.id DESC
     LIMIT 1;
$$;
