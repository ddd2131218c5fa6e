-- Profiling the backend at 10,000 messages (perf, tests/bench/bench.sh --perf) put a quarter of
-- its time in starting and ending the executor for each statement of intake_single_complaint()
-- (sql/011) and intake_complaint() (sql/008), once per message. The functions here do the same
-- work for all of a poll's messages of one kind at once, each statement run once over all of
-- them:
--   intake_complaints()         the complaints of messages already stored (the concatenated
--                               ones a poll completes), as intake_complaint() takes each
--   intake_single_complaints()  single SMS that are complaints: stored (as intake_part() stores
--                               them, with the same key), then taken in by intake_complaints()
--
-- The caller passes only messages whose senders differ from each other and from every other
-- message of its transaction's batch, so no two rows here wait for each other and no reply of
-- this batch to one of these senders is written yet. Byte strings come as lowercase hex (what
-- the idempotency key is made of), SMSC times as seconds since 1970. Each returns one row per
-- message given, with its position (1-based) in ord.

-- Takes the transaction's advisory lock p_kind || number ('resend:' or 'budget:', the locks
-- intake_complaint() takes one at a time) for every number of p_numbers, in the order of their
-- hashes, so that two transactions locking sets that overlap wait for each other instead of
-- deadlocking. Called as a statement of its own, so that what the caller reads next sees what
-- each lock's previous holder committed.
CREATE OR REPLACE FUNCTION lapor_lock_numbers(p_kind text, p_numbers text[]) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(l.h)
       FROM (SELECT DISTINCT hashtext(p_kind || n) AS h FROM unnest(p_numbers) n) l
      ORDER BY l.h;
END;
$$;
-- The ticket a text resent joins: the newest complaint of p_sender with the text p_text made
-- within the last p_window seconds and not withdrawn; NULL when none (or p_window is 0). The
-- same lookup as intake_complaint()'s, by the same index (sql/005). A set of one row or none, so
-- that the planner inlines it where it is joined (LATERAL) instead of calling it for each row.
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
-- The complaints of stored, complete messages, each as intake_complaint() would take it with
-- nothing pending: the resend window, the complaint with its first event, the message pointing
-- at its ticket, the agency its keyword routes to (0 when none, or resent), the reply budget,
-- under the same locks, taken in one order (lapor_lock_numbers()).
CREATE OR REPLACE FUNCTION intake_complaints(
    p_actor text, p_resend_window integer, p_budget integer, p_budget_window integer,
    p_msg_id bigint[], p_sender text[], p_text text[], p_confidential boolean[],
    p_keyword text[], p_replyable boolean[])
RETURNS TABLE (ord integer, complaint_id bigint, resent boolean, agency_id integer,
               within boolean)
LANGUAGE plpgsql VOLATILE
-- As intake_part(): plans kept for the session must not be made for empty tables.
SET enable_seqscan = off
AS $$
DECLARE
    v_complaint bigint[];
    v_resent    boolean[];
    v_agency    integer[];
BEGIN
    IF p_resend_window > 0 THEN
        PERFORM lapor_lock_numbers('resend:', p_sender);
    END IF;

    WITH given AS (
        SELECT u.msg, u.sender, u.text, u.confidential, u.keyword, u.ord::integer AS ord
          FROM unnest(p_msg_id, p_sender, p_text, p_confidential, p_keyword) WITH ORDINALITY
               AS u(msg, sender, text, confidential, keyword, ord)),
    looked AS MATERIALIZED (
        SELECT g.*,
               r.id AS resent_to
          FROM given g
          LEFT JOIN LATERAL lapor_resent_to(g.sender, g.text, p_resend_window) AS r(id) ON true),
    numbered AS (
        SELECT l.*,
               CASE WHEN l.resent_to IS NULL THEN nextval('complaint_seq') END AS new_complaint,
               (SELECT k.keyword FROM agency_keyword k WHERE k.keyword = l.keyword) AS routed_kw,
               coalesce((SELECT k.agency_id FROM agency_keyword k WHERE k.keyword = l.keyword),
                        0) AS routed_to
          FROM looked l
         ORDER BY l.ord),
    made AS (
        INSERT INTO complaint (id, sms_in_id, sender, text, incomplete, confidential, keyword)
        SELECT n.new_complaint, n.msg, n.sender, n.text, false, n.confidential, n.routed_kw
          FROM numbered n
         WHERE n.new_complaint IS NOT NULL
         ORDER BY n.ord),
    event AS (
        INSERT INTO complaint_event (complaint_id, actor, kind, detail)
        SELECT coalesce(n.new_complaint, n.resent_to), p_actor,
               CASE WHEN n.resent_to IS NOT NULL THEN 'resent' ELSE 'created' END,
               CASE WHEN n.resent_to IS NOT NULL THEN 'message ' || n.msg END
          FROM numbered n
         ORDER BY n.ord),
    noted AS (
        UPDATE sms_in s
           SET command = CASE WHEN n.resent_to IS NOT NULL THEN 'resent'
                              WHEN n.confidential THEN 'confidential' ELSE 'complaint' END,
               complaint_id = coalesce(n.new_complaint, n.resent_to)
          FROM numbered n
         WHERE s.id = n.msg)
    SELECT array_agg(coalesce(n.new_complaint, n.resent_to) ORDER BY n.ord),
           array_agg(n.resent_to IS NOT NULL ORDER BY n.ord),
           array_agg(CASE WHEN n.new_complaint IS NOT NULL THEN n.routed_to ELSE 0 END
                     ORDER BY n.ord)
      INTO v_complaint, v_resent, v_agency
      FROM numbered n;

    PERFORM lapor_lock_numbers('budget:', ARRAY(
        SELECT u.sender FROM unnest(p_sender, p_replyable) AS u(sender, replyable)
         WHERE u.replyable));

    RETURN QUERY
    SELECT u.ord::integer, u.complaint, u.resent, u.agency,
           u.replyable AND
               (SELECT count(*) < p_budget
                  FROM outbox o
                 WHERE o.destination = u.sender
                   AND o.created_at > now() - make_interval(secs => p_budget_window))
      FROM unnest(v_complaint, v_resent, v_agency, p_sender, p_replyable) WITH ORDINALITY
           AS u(complaint, resent, agency, sender, replyable, ord)
     ORDER BY u.ord;
END;
$$;
-- Single SMS that are complaints: each part not stored before is stored with its message, as
-- intake_part() stores a single SMS (the same key, so a part stored by either is found by both,
-- and by intake_single_complaint()), and then all are taken in by intake_complaints(). outcome is
-- 'duplicate' (stored before; nothing else happened) or 'single'.
CREATE OR REPLACE FUNCTION intake_single_complaints(
    p_instance text, p_actor text, p_resend_window integer, p_budget integer,
    p_budget_window integer,
    p_sender text[], p_sender_raw text[], p_smsc text[], p_smsc_time double precision[],
    p_coding text[], p_class smallint[], p_kind text[], p_udh_hex text[], p_raw_hex text[],
    p_text text[], p_body text[], p_confidential boolean[], p_keyword text[],
    p_replyable boolean[])
RETURNS TABLE (ord integer, outcome text, msg_id bigint, complaint_id bigint, resent boolean,
               agency_id integer, within boolean)
LANGUAGE plpgsql VOLATILE
-- As intake_part(): plans kept for the session must not be made for empty tables.
SET enable_seqscan = off
AS $$
DECLARE
    v_msg bigint[];
    v_dup boolean[];
BEGIN
    WITH given AS (
        SELECT u.sender, u.sender_raw, u.smsc, to_timestamp(u.epoch) AS smsc_time, u.coding,
               u.class, u.kind, u.udh_hex, u.raw_hex, u.text, u.ord::integer AS ord,
               md5(concat_ws('|', u.sender_raw, to_timestamp(u.epoch), u.coding, NULL::integer,
                             NULL::integer, NULL::integer, u.udh_hex, u.raw_hex, u.text)) AS key
          FROM unnest(p_sender, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class, p_kind,
                      p_udh_hex, p_raw_hex, p_text)
               WITH ORDINALITY
               AS u(sender, sender_raw, smsc, epoch, coding, class, kind, udh_hex, raw_hex,
                    text, ord)),
    -- New messages get their ids here, in the order read.
    numbered AS (
        SELECT g.*, CASE WHEN d.msg IS NULL THEN nextval('sms_in_id_seq') END AS new_msg,
               d.msg AS dup_msg
          FROM given g
          LEFT JOIN LATERAL (SELECT p.sms_in_id AS msg FROM sms_part p
                              WHERE p.idem_key = g.key) d ON true
         ORDER BY g.ord),
    m AS (
        INSERT INTO sms_in (id, instance, sender, first_smsc_time, kind, state, text, closed_at)
        SELECT n.new_msg, p_instance, n.sender, n.smsc_time, n.kind, 'complete', n.text, now()
          FROM numbered n
         WHERE n.new_msg IS NOT NULL
         ORDER BY n.ord),
    part AS (
        INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                              msg_class, concat_seq, udh, raw, text)
        SELECT n.key, n.new_msg, p_instance, n.sender_raw, n.smsc, n.smsc_time, n.coding, n.class,
               NULL, decode(n.udh_hex, 'hex'), decode(n.raw_hex, 'hex'), n.text
          FROM numbered n
         WHERE n.new_msg IS NOT NULL
         ORDER BY n.ord)
    SELECT array_agg(coalesce(n.new_msg, n.dup_msg) ORDER BY n.ord),
           array_agg(n.dup_msg IS NOT NULL ORDER BY n.ord)
      INTO v_msg, v_dup
      FROM numbered n;

    -- The new ones taken in; the k-th of them is the k-th message not stored before.
    RETURN QUERY
    WITH given AS (
        SELECT u.*, count(*) FILTER (WHERE NOT u.dup) OVER (ORDER BY u.ord) AS k
          FROM unnest(v_msg, v_dup, p_sender, p_body, p_confidential, p_keyword, p_replyable)
               WITH ORDINALITY AS u(msg, dup, sender, body, confidential, keyword, replyable, ord)),
    taken AS (
        SELECT t.*
          FROM intake_complaints(p_actor, p_resend_window, p_budget, p_budget_window,
                   ARRAY(SELECT g.msg FROM given g WHERE NOT g.dup ORDER BY g.ord),
                   ARRAY(SELECT g.sender FROM given g WHERE NOT g.dup ORDER BY g.ord),
                   ARRAY(SELECT g.body FROM given g WHERE NOT g.dup ORDER BY g.ord),
                   ARRAY(SELECT g.confidential FROM given g WHERE NOT g.dup ORDER BY g.ord),
                   ARRAY(SELECT g.keyword FROM given g WHERE NOT g.dup ORDER BY g.ord),
                   ARRAY(SELECT g.replyable FROM given g WHERE NOT g.dup ORDER BY g.ord)) t)
    SELECT g.ord::integer, CASE WHEN g.dup THEN 'duplicate' ELSE 'single' END, g.msg,
           t.complaint_id, coalesce(t.resent, false), coalesce(t.agency_id, 0),
           coalesce(t.within, false)
      FROM given g
      LEFT JOIN taken t ON NOT g.dup AND t.ord = g.k
     ORDER BY g.ord;
END;
$$;
