-- Three in ten messages come in parts, and their parts were stored by one intake_part() call
-- each: after sql/012 the largest share of the backend's time at 10,000 messages (pg_stat_statements,
-- tests/bench/profile_db.sh), most of it the executor starting and ending each of its statements
-- once per part. intake_parts() does the same for all of a poll's parts of concatenated messages,
-- with each statement run once over all of them.
--
-- It must end where intake_part() called once per part, in the order given, would end. It does
-- so for the parts it can place at once: the parts a poll holds of one message (one sender,
-- reference and total), none of them stored before, no part number twice, no key twice, their
-- SMSC times within the join window of each other, and all of them finding the same newest
-- message of that sender, reference and total within the window (or none): an open one that has
-- none of their part numbers yet. Then each part, called alone, would have joined that message
-- (or the one the first of them opened), and the last of them is the one that completes it. Any
-- other group of parts (a reused reference, a part sent twice, a message closed by the timeout)
-- is stored by calling intake_part() for each of its parts, in order, as before.
--
-- The byte strings come as lowercase hex, the SMSC times as seconds since 1970, as for
-- intake_single_complaints(). Returns one row per part, with its position (1-based) in ord, and
-- what intake_part() returns for it.
CREATE OR REPLACE FUNCTION intake_parts(
    p_instance text, p_join_window integer,
    p_sender text[], p_sender_raw text[], p_smsc text[], p_smsc_time double precision[],
    p_coding text[], p_class smallint[], p_kind text[], p_udh_hex text[], p_raw_hex text[],
    p_text text[], p_ref integer[], p_total integer[], p_seq integer[])
RETURNS TABLE (ord integer, outcome text, msg_id bigint, msg_text text, msg_complete boolean)
LANGUAGE plpgsql VOLATILE
-- As intake_part(): plans kept for the session must not be made for empty tables.
SET enable_seqscan = off
AS $$
DECLARE
    n          integer := coalesce(array_length(p_sender, 1), 0);
    v_outcome  text[] := array_fill(NULL::text, ARRAY[n]);
    v_msg      bigint[] := array_fill(NULL::bigint, ARRAY[n]);
    v_text     text[] := array_fill(NULL::text, ARRAY[n]);
    v_complete boolean[] := array_fill(NULL::boolean, ARRAY[n]);
    v_simple   boolean[];
    v_dup_msg  bigint[];
    v_cand     bigint[];
    v_key      text[];
    v_target   bigint[];
    r          record;
    one        record;
BEGIN
    -- intake_part()'s lock for every sender and reference, all taken first, in one order.
    PERFORM pg_advisory_xact_lock(l.h, l.ref)
       FROM (SELECT DISTINCT hashtext(u.sender) AS h, u.ref
               FROM unnest(p_sender, p_ref) AS u(sender, ref)) l
      ORDER BY l.h, l.ref;

    -- Which parts were stored before, and which can be placed at once (see above), with the
    -- message each such group joins (NULL: a new one).
    WITH given AS (
        SELECT u.ord::integer AS ord, u.sender, u.ref, u.total, u.seq, u.epoch,
               md5(concat_ws('|', u.sender_raw, to_timestamp(u.epoch), u.coding, u.ref, u.total,
                             u.seq, u.udh_hex, u.raw_hex, u.text)) AS key
          FROM unnest(p_sender, p_sender_raw, p_smsc_time, p_coding, p_ref, p_total, p_seq,
                      p_udh_hex, p_raw_hex, p_text) WITH ORDINALITY
               AS u(sender, sender_raw, epoch, coding, ref, total, seq, udh_hex, raw_hex, text,
                    ord)),
    looked AS MATERIALIZED (
        SELECT g.*,
               (SELECT p.sms_in_id FROM sms_part p WHERE p.idem_key = g.key) AS dup_msg,
               c.id AS cand,
               c.id IS NULL OR (c.state = 'open' AND g.seq <> ALL (
                   ARRAY(SELECT q.concat_seq FROM sms_part q WHERE q.sms_in_id = c.id)))
                   AS cand_fits
          FROM given g
          LEFT JOIN LATERAL (
              SELECT s.id, s.state
                FROM sms_in s
               WHERE s.sender = g.sender AND s.concat_ref = g.ref AND s.concat_total = g.total
                 AND CASE WHEN g.epoch IS NOT NULL AND s.first_smsc_time IS NOT NULL
                          THEN abs(extract(epoch FROM s.first_smsc_time) - g.epoch)
                               <= p_join_window
                          ELSE s.first_received_at
                               > now() - make_interval(secs => p_join_window) END
               ORDER BY s.id DESC
               LIMIT 1) c ON true),
    -- What each part says alone; its group (the parts not stored before of one sender,
    -- reference and total) is placed at once only when all of its parts say yes.
    each AS (
        SELECT l.*,
               l.total > 1 AND l.cand_fits
               AND count(*) OVER (PARTITION BY l.sender, l.ref, l.total, l.dup_msg IS NULL,
                                  l.seq) = 1
               AND count(*) OVER (PARTITION BY l.key) = 1 AS fits
          FROM looked l),
    judged AS (
        SELECT e.ord, e.dup_msg, e.cand, e.key,
               e.dup_msg IS NULL
               AND bool_and(e.fits) OVER grp
               AND min(e.cand) OVER grp IS NOT DISTINCT FROM max(e.cand) OVER grp
               AND count(e.cand) OVER grp IN (0, count(*) OVER grp)
               AND coalesce(max(e.epoch) OVER grp - min(e.epoch) OVER grp, 0) <= p_join_window
                   AS simple
          FROM each e
        WINDOW grp AS (PARTITION BY e.sender, e.ref, e.total, e.dup_msg IS NULL))
    SELECT array_agg(j.simple ORDER BY j.ord), array_agg(j.dup_msg ORDER BY j.ord),
           array_agg(j.cand ORDER BY j.ord), array_agg(j.key ORDER BY j.ord)
      INTO v_simple, v_dup_msg, v_cand, v_key
      FROM judged j;

    -- The groups placed at once: a message for those that join none, then all their parts, in
    -- one statement (the foreign keys are checked when it ends, with the rows in place).
    WITH given AS (
        SELECT u.ord::integer AS ord, u.sender, u.sender_raw, u.smsc,
               to_timestamp(u.epoch) AS smsc_time, u.coding, u.class, u.kind, u.ref, u.total,
               u.seq, u.udh_hex, u.raw_hex, u.text, u.cand, u.key
          FROM unnest(p_sender, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class, p_kind,
                      p_ref, p_total, p_seq, p_udh_hex, p_raw_hex, p_text, v_simple, v_cand,
                      v_key)
               WITH ORDINALITY
               AS u(sender, sender_raw, smsc, epoch, coding, class, kind, ref, total, seq,
                    udh_hex, raw_hex, text, simple, cand, key, ord)
         WHERE u.simple),
    target AS (
        SELECT g.sender, g.ref, g.total, g.cand, min(g.ord) AS first_ord
          FROM given g
         GROUP BY g.sender, g.ref, g.total, g.cand),
    -- Ids for the new messages in the order of their first parts.
    numbered AS (
        SELECT t.*, CASE WHEN t.cand IS NULL THEN nextval('sms_in_id_seq') END AS new_id
          FROM target t
         ORDER BY t.first_ord),
    opened AS (
        INSERT INTO sms_in (id, instance, sender, concat_ref, concat_total, first_smsc_time, kind)
        SELECT t.new_id, p_instance, t.sender, t.ref, t.total, f.smsc_time, f.kind
          FROM numbered t JOIN given f ON f.ord = t.first_ord
         WHERE t.new_id IS NOT NULL
         ORDER BY t.first_ord),
    stored AS (
        INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                              msg_class, concat_seq, udh, raw, text)
        SELECT g.key, coalesce(t.cand, t.new_id), p_instance, g.sender_raw, g.smsc, g.smsc_time,
               g.coding, g.class, g.seq, decode(g.udh_hex, 'hex'), decode(g.raw_hex, 'hex'),
               g.text
          FROM given g
          JOIN numbered t ON t.sender = g.sender AND t.ref = g.ref AND t.total = g.total
         ORDER BY g.ord)
    SELECT array_agg(x.msg ORDER BY x.ord) INTO v_target
      FROM (SELECT u.ord::integer AS ord, coalesce(t.cand, t.new_id) AS msg
              FROM unnest(p_sender, p_ref, p_total, v_simple) WITH ORDINALITY
                   AS u(sender, ref, total, simple, ord)
              LEFT JOIN numbered t
                ON u.simple AND t.sender = u.sender AND t.ref = u.ref AND t.total = u.total) x;

    -- Their messages that are now complete: closed with their joined text, which goes to the
    -- last of their parts in this poll, as intake_part() would have answered it.
    FOR r IN
        WITH placed AS (
            SELECT u.ord::integer AS ord, u.msg, u.total
              FROM unnest(v_target, p_total) WITH ORDINALITY AS u(msg, total, ord)
             WHERE u.msg IS NOT NULL),
        done AS (
            SELECT m.msg, max(m.ord) AS last_ord
              FROM placed m
             GROUP BY m.msg, m.total
            HAVING (SELECT count(DISTINCT q.concat_seq) FROM sms_part q
                     WHERE q.sms_in_id = m.msg AND q.concat_seq BETWEEN 1 AND m.total) = m.total)
        UPDATE sms_in s
           SET state = 'complete', text = sms_in_joined_text(s.id),
               closed_at = coalesce(s.closed_at, now())
          FROM done d
         WHERE s.id = d.msg
        RETURNING d.last_ord, s.text
    LOOP
        v_outcome[r.last_ord] := 'complete';
        v_text[r.last_ord] := r.text;
        v_complete[r.last_ord] := true;
    END LOOP;

    FOR i IN 1 .. n LOOP
        IF v_dup_msg[i] IS NOT NULL THEN
            v_outcome[i] := 'duplicate';
            v_msg[i] := v_dup_msg[i];
        ELSIF v_simple[i] THEN
            v_msg[i] := v_target[i];
            IF v_outcome[i] IS NULL THEN
                v_outcome[i] := 'waiting';
                v_complete[i] := false;
            END IF;
        ELSE
            -- The others one by one, in order, as before.
            SELECT p.outcome, p.msg_id, p.msg_text, p.msg_complete INTO one
              FROM intake_part(p_instance, p_sender[i], p_sender_raw[i], p_smsc[i],
                               to_timestamp(p_smsc_time[i]), p_coding[i], p_class[i], p_kind[i],
                               p_ref[i], p_total[i], p_seq[i], decode(p_udh_hex[i], 'hex'),
                               decode(p_raw_hex[i], 'hex'), p_text[i],
                               make_interval(secs => p_join_window)) p;
            v_outcome[i] := one.outcome;
            v_msg[i] := one.msg_id;
            v_text[i] := one.msg_text;
            v_complete[i] := one.msg_complete;
        END IF;
    END LOOP;

    RETURN QUERY
    SELECT u.ord::integer, u.outcome, u.msg, u.txt, u.complete
      FROM unnest(v_outcome, v_msg, v_text, v_complete) WITH ORDINALITY
           AS u(outcome, msg, txt, complete, ord)
     ORDER BY u.ord;
END;
$$;
