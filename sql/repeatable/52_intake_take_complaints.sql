-- Messages stored before taken in as complaints, for intake_batch() (60_intake_batch.sql): the
-- same text from the same sender within the resend window joins the ticket it opened (recorded
-- as 'resent'; never for a message the timeout closed incomplete), any other becomes a new
-- complaint with its first event and the agency its keyword routes to (0 when none, or resent),
-- its message noted as pointing at its ticket; then whether one more reply to the sender fits
-- its budget: the replies queued to the number in the budget window, plus p_pending (replies the
-- caller queued in this transaction but has not written yet), must stay under p_budget. Windows
-- in seconds; resend window 0: never. Each lock is taken for all senders at once, in one order
-- (lapor_lock_numbers()). The senders must differ from each other.
CREATE OR REPLACE FUNCTION lapor_take_complaints(
    p_actor text, p_resend_window integer, p_budget integer, p_budget_window integer,
    p_msg_id bigint[], p_sender text[], p_text text[], p_incomplete boolean[],
    p_confidential boolean[], p_keyword text[], p_replyable boolean[], p_pending integer[])
RETURNS TABLE (ord integer, complaint_id bigint, resent boolean, agency_id integer,
               within boolean)
LANGUAGE plpgsql VOLATILE
-- As lapor_place_parts(), planned under intake_batch()'s settings.
AS $$
DECLARE
    v_complaint bigint[];
    v_resent    boolean[];
    v_agency    integer[];
BEGIN
    IF p_resend_window > 0 THEN
        PERFORM lapor_lock_numbers('resend:', ARRAY(
            SELECT u.sender FROM unnest(p_sender, p_incomplete) AS u(sender, incomplete)
             WHERE NOT u.incomplete));
    END IF;

    WITH given AS (
        SELECT u.msg, u.sender, u.text, u.incomplete, u.confidential, u.keyword,
               u.ord::integer AS ord
          FROM unnest(p_msg_id, p_sender, p_text, p_incomplete, p_confidential, p_keyword)
               WITH ORDINALITY AS u(msg, sender, text, incomplete, confidential, keyword, ord)),
    looked AS MATERIALIZED (
        SELECT g.*, r.id AS resent_to
          FROM given g
          LEFT JOIN LATERAL lapor_resent_to(g.sender, g.text,
                                            CASE WHEN g.incomplete THEN 0
                                                 ELSE p_resend_window END) AS r(id) ON true),
    numbered AS (
        SELECT l.*,
               CASE WHEN l.resent_to IS NULL THEN nextval('complaint_seq') END AS new_complaint,
               k.keyword AS routed_kw, coalesce(k.agency_id, 0) AS routed_to
          FROM looked l
          LEFT JOIN agency_keyword k ON k.keyword = l.keyword
         ORDER BY l.ord),
    made AS (
        -- The due date is the same for the whole batch, counted once here rather than by the
        -- insert trigger for every row.
        INSERT INTO complaint (id, sms_in_id, sender, text, incomplete, confidential, keyword,
                               due_on)
        SELECT n.new_complaint, n.msg, n.sender, n.text, n.incomplete, n.confidential,
               n.routed_kw, (SELECT complaint_due_on('baru', now(), NULL))
          FROM numbered n
         WHERE n.new_complaint IS NOT NULL
         ORDER BY n.ord),
    event AS (
        INSERT INTO complaint_event (complaint_id, actor, kind, detail)
        SELECT coalesce(n.new_complaint, n.resent_to), p_actor,
               CASE WHEN n.resent_to IS NOT NULL THEN 'resent' ELSE 'created' END,
               CASE WHEN n.resent_to IS NOT NULL THEN 'message ' || n.msg
                    WHEN n.incomplete THEN 'incomplete' END
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
               (SELECT count(*) + u.pending < p_budget
                  FROM outbox o
                 WHERE o.destination = u.sender
                   AND o.created_at > now() - make_interval(secs => p_budget_window))
      FROM unnest(v_complaint, v_resent, v_agency, p_sender, p_replyable, p_pending)
           WITH ORDINALITY AS u(complaint, resent, agency, sender, replyable, pending, ord)
     ORDER BY u.ord;
END;
$$;
