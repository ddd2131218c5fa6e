-- Stores parts and joins each to its message, for intake_batch() (60_intake_batch.sql), which
-- has taken the join locks. It places at once what it can place exactly as storing the parts one
-- by one, in the order given, would; every other part it leaves (outcome NULL) for the caller
-- to hand back alone, in order. A part given alone is always placed.
--
-- A group is the parts of one sender, reference and total not stored before (a single SMS is a
-- group of its own). A group is placed at once when it is one part, or when its parts have
-- distinct numbers within 1..total, SMSC times within the window of each other, and all find the
-- same open message to join (lapor_join_candidate()), or all none: then each part, stored alone
-- in turn, would have joined that message (or the one the first of them opened), and only the
-- last of them can complete it. A key given twice leaves its group to the caller.
--
-- Outcomes: 'duplicate' (stored before), 'single' (a message of its own), 'waiting' (more parts
-- to come), 'complete' (this part completed its message) or 'late' (it joined a message that
-- was complete, or that the multipart timeout had closed as incomplete: its text is redone).
-- Byte strings come as lowercase hex, SMSC times as seconds since 1970.
CREATE OR REPLACE FUNCTION lapor_place_parts(
    p_instance text, p_join_window integer,
    p_sender text[], p_sender_raw text[], p_smsc text[], p_smsc_time double precision[],
    p_coding text[], p_class smallint[], p_kind text[], p_udh_hex text[], p_raw_hex text[],
    p_text text[], p_ref integer[], p_total integer[], p_seq integer[])
RETURNS TABLE (ord integer, outcome text, msg_id bigint, msg_text text, msg_complete boolean)
LANGUAGE plpgsql VOLATILE
-- Planned under intake_batch()'s SET enable_seqscan = off, its only caller.
AS $$
DECLARE
    v_key    text[];
    v_dup    bigint[];
    v_cand   bigint[];
    v_state  text[];
    v_placed boolean[];
BEGIN
    -- What each part finds: its own row (stored before), the message it would join.
    WITH given AS (
        SELECT u.ord::integer AS ord, u.sender, u.ref, u.total, u.seq,
               to_timestamp(u.epoch) AS smsc_time,
               lapor_part_key(u.sender_raw, to_timestamp(u.epoch), u.coding, u.ref, u.total,
                              u.seq, u.udh_hex, u.raw_hex, u.text) AS key
          FROM unnest(p_sender, p_sender_raw, p_smsc_time, p_coding, p_ref, p_total, p_seq,
                      p_udh_hex, p_raw_hex, p_text) WITH ORDINALITY
               AS u(sender, sender_raw, epoch, coding, ref, total, seq, udh_hex, raw_hex, text,
                    ord))
    SELECT array_agg(g.key ORDER BY g.ord),
           array_agg((SELECT p.sms_in_id FROM sms_part p WHERE p.idem_key = g.key)
                     ORDER BY g.ord),
           array_agg(c.id ORDER BY g.ord)
      INTO v_key, v_dup, v_cand
      FROM given g
      LEFT JOIN LATERAL lapor_join_candidate(g.sender, g.ref, g.total, g.seq, g.smsc_time,
                                             p_join_window) AS c(id)
        ON g.total > 1;

    -- The messages to join, locked against the timeout's sweep; the state read is the one
    -- after any sweep that held them first.
    IF array_remove(v_cand, NULL) <> '{}' THEN
        SELECT array_agg(l.state ORDER BY u.ord)
          INTO v_state
          FROM unnest(v_cand) WITH ORDINALITY AS u(cand, ord)
          LEFT JOIN (SELECT s.id, s.state FROM sms_in s WHERE s.id = ANY (v_cand)
                      ORDER BY s.id FOR UPDATE) l ON l.id = u.cand;
    END IF;

    -- Which parts are placed at once (see above).
    WITH given AS (
        SELECT u.ord::integer AS ord, u.sender, u.ref, u.total, u.seq, u.epoch, u.key, u.dup,
               u.cand, u.state,
               CASE WHEN coalesce(u.total, 0) > 1 THEN 0 ELSE u.ord END AS single_ord
          FROM unnest(p_sender, p_ref, p_total, p_seq, p_smsc_time, v_key, v_dup, v_cand,
                      v_state) WITH ORDINALITY
               AS u(sender, ref, total, seq, epoch, key, dup, cand, state, ord)),
    each AS (
        SELECT g.*, count(*) OVER (PARTITION BY g.key) AS key_count,
               count(*) OVER (PARTITION BY g.sender, g.ref, g.total, g.single_ord,
                              g.dup IS NULL, g.seq) AS seq_count
          FROM given g),
    judged AS (
        SELECT e.ord,
               e.dup IS NULL
               AND bool_and(e.key_count = 1) OVER grp
               AND (count(*) OVER grp = 1
                    OR (bool_and(e.seq BETWEEN 1 AND e.total) OVER grp
                        AND bool_and(e.seq_count = 1) OVER grp
                        AND min(e.cand) OVER grp IS NOT DISTINCT FROM max(e.cand) OVER grp
                        AND count(e.cand) OVER grp IN (0, count(*) OVER grp)
                        AND bool_and(e.cand IS NULL OR e.state = 'open') OVER grp
                        AND coalesce(max(e.epoch) OVER grp - min(e.epoch) OVER grp, 0)
                            <= p_join_window)) AS placed
          FROM each e
        WINDOW grp AS (PARTITION BY e.sender, e.ref, e.total, e.single_ord, e.dup IS NULL))
    SELECT array_agg(j.placed ORDER BY j.ord) INTO v_placed FROM judged j;
    RETURN QUERY
    SELECT * FROM lapor_store_placed(p_instance, p_sender, p_sender_raw, p_smsc, p_smsc_time,
                                     p_coding, p_class, p_kind, p_udh_hex, p_raw_hex, p_text,
                                     p_ref, p_total, p_seq, v_key, v_dup, v_cand, v_state,
                                     v_placed);
END;
$$;

-- The parts lapor_place_parts() places at once, stored: a message for each group that joins
-- none, the parts, and then the messages they complete or joined late, closed (the caller joins
-- their texts), answered on the last part of the group, as storing them one by one would answer.
CREATE OR REPLACE FUNCTION lapor_store_placed(
    p_instance text, p_sender text[], p_sender_raw text[], p_smsc text[],
    p_smsc_time double precision[], p_coding text[], p_class smallint[], p_kind text[],
    p_udh_hex text[], p_raw_hex text[], p_text text[], p_ref integer[], p_total integer[],
    p_seq integer[], p_key text[], p_dup bigint[], p_cand bigint[], p_state text[],
    p_placed boolean[])
RETURNS TABLE (ord integer, outcome text, msg_id bigint, msg_text text, msg_complete boolean)
LANGUAGE plpgsql VOLATILE
-- As lapor_place_parts(), planned under intake_batch()'s settings.
AS $$
DECLARE
    v_target bigint[];
    v_last   integer[];
BEGIN
    WITH given AS (
        SELECT u.ord::integer AS ord, u.sender, u.sender_raw, u.smsc,
               to_timestamp(u.epoch) AS smsc_time, u.coding, u.class, u.kind, u.udh_hex,
               u.raw_hex, u.text, u.ref, u.total, u.seq, u.key, u.cand,
               coalesce(u.total, 0) > 1 AS multipart,
               CASE WHEN coalesce(u.total, 0) > 1 THEN 0 ELSE u.ord END AS single_ord
          FROM unnest(p_sender, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class, p_kind,
                      p_udh_hex, p_raw_hex, p_text, p_ref, p_total, p_seq, p_key, p_cand,
                      p_placed) WITH ORDINALITY
               AS u(sender, sender_raw, smsc, epoch, coding, class, kind, udh_hex, raw_hex,
                    text, ref, total, seq, key, cand, placed, ord)
         WHERE u.placed),
    target AS (
        SELECT g.sender, g.ref, g.total, g.single_ord, min(g.cand) AS cand,
               min(g.ord) AS first_ord, max(g.ord) AS last_ord
          FROM given g
         GROUP BY g.sender, g.ref, g.total, g.single_ord),
    -- Ids for the new messages in the order of their first parts.
    numbered AS (
        SELECT t.*, coalesce(t.cand, nextval('sms_in_id_seq')) AS id
          FROM target t
         ORDER BY t.first_ord),
    opened AS (
        INSERT INTO sms_in (id, instance, sender, concat_ref, concat_total, first_smsc_time,
                            kind, state, text, closed_at)
        SELECT t.id, p_instance, t.sender, CASE WHEN f.multipart THEN f.ref END,
               CASE WHEN f.multipart THEN f.total END, f.smsc_time, f.kind,
               CASE WHEN f.multipart THEN 'open' ELSE 'complete' END,
               CASE WHEN f.multipart THEN NULL ELSE f.text END,
               CASE WHEN f.multipart THEN NULL ELSE now() END
          FROM numbered t JOIN given f ON f.ord = t.first_ord
         WHERE t.cand IS NULL
         ORDER BY t.first_ord),
    stored AS (
        INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                              msg_class, concat_seq, udh, raw, text)
        SELECT g.key, t.id, p_instance, g.sender_raw, g.smsc, g.smsc_time, g.coding, g.class,
               g.seq, decode(g.udh_hex, 'hex'), decode(g.raw_hex, 'hex'), g.text
          FROM given g
          JOIN numbered t ON t.sender = g.sender AND t.ref IS NOT DISTINCT FROM g.ref
                         AND t.total IS NOT DISTINCT FROM g.total AND t.single_ord = g.single_ord
         ORDER BY g.ord)
    SELECT array_agg(x.id ORDER BY x.ord), array_agg(x.last_ord ORDER BY x.ord)
      INTO v_target, v_last
      FROM (SELECT u.ord::integer AS ord, t.id, t.last_ord
              FROM unnest(p_sender, p_ref, p_total, p_placed) WITH ORDINALITY
                   AS u(sender, ref, total, placed, ord)
              LEFT JOIN numbered t
                ON u.placed AND t.sender = u.sender AND t.ref IS NOT DISTINCT FROM u.ref
               AND t.total IS NOT DISTINCT FROM u.total
               AND t.single_ord = CASE WHEN coalesce(u.total, 0) > 1 THEN 0 ELSE u.ord END) x;

    RETURN QUERY
    WITH placed AS (
        SELECT u.ord::integer AS ord, u.msg, u.last_ord, u.total, u.text,
               coalesce(u.state, 'open') AS was, coalesce(u.total, 0) > 1 AS multipart
          FROM unnest(v_target, v_last, p_total, p_text, p_state, p_placed) WITH ORDINALITY
               AS u(msg, last_ord, total, text, state, placed, ord)
         WHERE u.placed),
    counted AS (
        SELECT m.*,
               (SELECT count(DISTINCT q.concat_seq) FROM sms_part q
                 WHERE q.sms_in_id = m.msg AND q.concat_seq BETWEEN 1 AND m.total) = m.total
                   AS complete
          FROM placed m
         WHERE m.multipart AND m.ord = m.last_ord),
    -- The caller joins the text of what this closes (sms_in_parts_to_join()).
    closed AS (
        UPDATE sms_in s
           SET state = CASE WHEN c.complete THEN 'complete' ELSE s.state END,
               closed_at = coalesce(s.closed_at, now())
          FROM counted c
         WHERE s.id = c.msg AND (c.complete OR c.was <> 'open')
        RETURNING s.id)
    SELECT u.ord::integer,
           CASE WHEN u.dup IS NOT NULL THEN 'duplicate'
                WHEN NOT u.placed THEN NULL
                WHEN NOT coalesce(u.total, 0) > 1 THEN 'single'
                WHEN c.msg IS NULL OR (c.was = 'open' AND NOT c.complete) THEN 'waiting'
                WHEN c.was = 'open' THEN 'complete'
                ELSE 'late' END,
           coalesce(u.dup, v_target[u.ord]),
           CASE WHEN u.dup IS NULL AND u.placed AND NOT coalesce(u.total, 0) > 1 THEN u.text
                END,
           CASE WHEN u.dup IS NOT NULL OR NOT u.placed THEN NULL
                ELSE coalesce(c.complete, NOT coalesce(u.total, 0) > 1) END
      FROM unnest(p_dup, p_placed, p_total, p_text) WITH ORDINALITY
           AS u(dup, placed, total, text, ord)
      LEFT JOIN counted c ON c.ord = u.ord
     ORDER BY u.ord;
END;
$$;
