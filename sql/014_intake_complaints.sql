-- lapor-smsd schema version 14: a poll's completed concatenated complaints taken in with one call.
--
-- A concatenated message that a poll completes is read by the daemon (its grammar is in C) and,
-- when it is a complaint, was taken in by one intake_complaint() call (sql/008) each, one round
-- trip after another. intake_complaints() takes in all of a poll's such complaints at once, each
-- as intake_complaint() would with nothing pending and the message complete: the resend window,
-- the complaint with its first event, the message pointing at its ticket, the agency its keyword
-- routes to, the reply budget, under the same locks, taken in one order (lapor_lock_numbers()).
--
-- The caller passes only messages whose senders differ from each other and from every other
-- message of its transaction's batch, so no two rows wait for each other and no reply of this
-- batch to one of these senders is written yet. Returns one row per message, with its position
-- (1-based) in ord.
CREATE FUNCTION intake_complaints(
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

DO $$
BEGIN
    PERFORM lapor_give_to_owner();
END;
$$;
