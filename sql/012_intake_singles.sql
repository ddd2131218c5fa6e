-- lapor-smsd schema version 12: a poll's single-SMS complaints taken in with one call.
--
-- intake_single_complaint() (sql/011) is called once per message; a poll holds about 35 such
-- messages, and profiling the backend at 10,000 messages (perf, tests/bench/bench.sh --perf)
-- put a quarter of its time in starting and ending the executor for each of the function's
-- statements, once per message. Here the same work is done for all of a poll's single
-- complaints at once: each statement runs once over all of them, and the per-message cost left
-- is the rows and their index entries.
--
-- It does what intake_single_complaint() does for each message, under the same locks: the
-- idempotency key (the same formula, so a part stored by either function or by intake_part()
-- is found by all three), the resend window, the complaint with its first event, the agency its
-- keyword routes to, the reply budget. The caller passes only messages whose senders differ
-- from each other and from every other part of its transaction's batch (as for the single
-- call), so no two rows here wait for each other and no reply of this batch to one of these
-- senders is still unwritten. The locks of all the senders are taken in one order (by their
-- hash), so two daemons locking overlapping sets wait for each other instead of deadlocking.
--
-- The byte strings come as lowercase hex (udh and raw), which is what the key is made of; the
-- SMSC times as seconds since 1970, as intake_part() gets them from the daemon.
-- Returns one row per input row, with its position (1-based) in ord; outcome is 'duplicate'
-- (stored before; nothing else happened) or 'single'.
-- Takes the transaction's advisory lock p_kind || number ('resend:' or 'budget:', the locks
-- intake_complaint() takes one at a time) for every number of p_numbers, in the order of their
-- hashes, so that two transactions locking sets that overlap wait for each other instead of
-- deadlocking. Called as a statement of its own, so that what the caller reads next sees what
-- each lock's previous holder committed.
CREATE FUNCTION lapor_lock_numbers(p_kind text, p_numbers text[]) RETURNS void
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
CREATE FUNCTION lapor_resent_to(p_sender text, p_text text, p_window integer)
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

CREATE FUNCTION intake_single_complaints(
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
    v_ord      integer[];
    v_msg      bigint[];
    v_dup      boolean[];
    v_complaint bigint[];
    v_resent   boolean[];
    v_agency   integer[];
BEGIN
    -- Serialised per sender, as intake_single_complaint(): two copies taken in by two daemons
    -- at once still make one ticket.
    IF p_resend_window > 0 THEN
        PERFORM lapor_lock_numbers('resend:', p_sender);
    END IF;

    WITH given AS (
        SELECT u.sender, u.sender_raw, u.smsc, to_timestamp(u.epoch) AS smsc_time, u.coding,
               u.class, u.kind, u.udh_hex, u.raw_hex, u.text, u.body, u.confidential, u.keyword,
               u.ord::integer AS ord,
               md5(concat_ws('|', u.sender_raw, to_timestamp(u.epoch), u.coding, NULL::integer,
                             NULL::integer, NULL::integer, u.udh_hex, u.raw_hex, u.text)) AS key
          FROM unnest(p_sender, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class, p_kind,
                      p_udh_hex, p_raw_hex, p_text, p_body, p_confidential, p_keyword)
               WITH ORDINALITY
               AS u(sender, sender_raw, smsc, epoch, coding, class, kind, udh_hex, raw_hex,
                    text, body, confidential, keyword, ord)),
    looked AS MATERIALIZED (
        SELECT g.*,
               (SELECT p.sms_in_id FROM sms_part p WHERE p.idem_key = g.key) AS dup_msg,
               r.id AS resent_to
          FROM given g
          LEFT JOIN LATERAL lapor_resent_to(g.sender, g.body, p_resend_window) AS r(id) ON true),
    -- New rows get their ids here, in the order read: the message's, and the ticket's when it
    -- is no resend.
    numbered AS (
        SELECT l.*,
               CASE WHEN l.dup_msg IS NULL THEN nextval('sms_in_id_seq') END AS new_msg,
               CASE WHEN l.dup_msg IS NULL AND l.resent_to IS NULL
                    THEN nextval('complaint_seq') END AS new_complaint,
               (SELECT k.keyword FROM agency_keyword k WHERE k.keyword = l.keyword) AS routed_kw,
               coalesce((SELECT k.agency_id FROM agency_keyword k WHERE k.keyword = l.keyword),
                        0) AS routed_to
          FROM looked l
         ORDER BY l.ord),
    -- One statement: the messages, their parts, the complaints and their events point at each
    -- other, and the foreign keys are checked when it ends, with all the rows in place.
    m AS (
        INSERT INTO sms_in (id, instance, sender, first_smsc_time, kind, state, text, closed_at,
                            command, complaint_id)
        SELECT n.new_msg, p_instance, n.sender, n.smsc_time, n.kind, 'complete', n.text, now(),
               CASE WHEN n.resent_to IS NOT NULL THEN 'resent'
                    WHEN n.confidential THEN 'confidential' ELSE 'complaint' END,
               coalesce(n.new_complaint, n.resent_to)
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
         ORDER BY n.ord),
    made AS (
        INSERT INTO complaint (id, sms_in_id, sender, text, incomplete, confidential, keyword)
        SELECT n.new_complaint, n.new_msg, n.sender, n.body, false, n.confidential, n.routed_kw
          FROM numbered n
         WHERE n.new_complaint IS NOT NULL
         ORDER BY n.ord),
    event AS (
        INSERT INTO complaint_event (complaint_id, actor, kind, detail)
        SELECT coalesce(n.new_complaint, n.resent_to), p_actor,
               CASE WHEN n.resent_to IS NOT NULL THEN 'resent' ELSE 'created' END,
               CASE WHEN n.resent_to IS NOT NULL THEN 'message ' || n.new_msg END
          FROM numbered n
         WHERE n.new_msg IS NOT NULL
         ORDER BY n.ord)
    SELECT array_agg(n.ord::integer ORDER BY n.ord),
           array_agg(coalesce(n.new_msg, n.dup_msg) ORDER BY n.ord),
           array_agg(n.dup_msg IS NOT NULL ORDER BY n.ord),
           array_agg(coalesce(n.new_complaint, n.resent_to) ORDER BY n.ord),
           array_agg(n.dup_msg IS NULL AND n.resent_to IS NOT NULL ORDER BY n.ord),
           array_agg(CASE WHEN n.new_complaint IS NOT NULL THEN n.routed_to ELSE 0 END
                     ORDER BY n.ord)
      INTO v_ord, v_msg, v_dup, v_complaint, v_resent, v_agency
      FROM numbered n;

    -- Serialised per number, so that the budget holds across all daemons; then counted, each
    -- number after its lock.
    PERFORM lapor_lock_numbers('budget:', ARRAY(
        SELECT u.sender FROM unnest(p_sender, p_replyable, v_dup) AS u(sender, replyable, dup)
         WHERE u.replyable AND NOT u.dup));

    RETURN QUERY
    SELECT u.ord, CASE WHEN u.dup THEN 'duplicate' ELSE 'single' END, u.msg,
           CASE WHEN u.dup THEN NULL ELSE u.complaint END,
           u.resent, u.agency,
           NOT u.dup AND u.replyable AND
               (SELECT count(*) < p_budget
                  FROM outbox o
                 WHERE o.destination = u.sender
                   AND o.created_at > now() - make_interval(secs => p_budget_window))
      FROM unnest(v_ord, v_msg, v_dup, v_complaint, v_resent, v_agency, p_sender, p_replyable)
           AS u(ord, msg, dup, complaint, resent, agency, sender, replyable)
     ORDER BY u.ord;
END;
$$;

DO $$
BEGIN
    PERFORM lapor_give_to_owner();
END;
$$;
