-- What intake did for each new complaint as separate statements (the resend-window lock and
-- lookup, the complaint with its first event and its note, the reply-budget lock and count) in
-- one function, in the same order and with the same locks. The function is VOLATILE, so in READ
-- COMMITTED each statement in it sees what committed before that statement began: the lookup
-- after a lock sees what the lock's previous holder wrote, as when they were separate statements.
--
-- p_resend_window: seconds within which the same text from the same sender joins the ticket it
-- opened (0: never; an incomplete message never joins). p_budget_window: seconds over which at
-- most p_budget replies go to one number; with p_replyable false no budget is looked at.
-- p_pending: replies to the sender the caller has queued in this transaction but not yet written
-- (it writes a batch's replies in one statement before its commit); they count as written.
-- Returns the ticket, whether it was an earlier one (resent), the agency the complaint's keyword
-- routes to (0 when none; never for a resent one), and whether one more reply fits the budget.
CREATE OR REPLACE FUNCTION intake_complaint(
    p_msg_id bigint, p_sender text, p_text text, p_incomplete boolean, p_confidential boolean,
    p_keyword text, p_actor text, p_resend_window integer, p_replyable boolean,
    p_budget integer, p_budget_window integer, p_pending integer,
    OUT complaint_id bigint, OUT resent boolean, OUT agency_id integer, OUT within boolean)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    resent := false;
    agency_id := 0;
    within := false;
    IF p_resend_window > 0 AND NOT p_incomplete THEN
        -- Serialised per sender, so that two copies taken in by two daemons at once still make
        -- one ticket.
        PERFORM pg_advisory_xact_lock(hashtext('resend:' || p_sender));
        SELECT c.id INTO complaint_id
          FROM complaint c
         WHERE c.sender = p_sender AND md5(c.text) = md5(p_text) AND c.text = p_text
           AND c.created_at > now() - make_interval(secs => p_resend_window)
           AND c.status <> 'dibatalkan'
         ORDER BY c.id DESC
         LIMIT 1;
        IF FOUND THEN
            resent := true;
            INSERT INTO complaint_event (complaint_id, actor, kind, detail)
            VALUES (complaint_id, p_actor, 'resent', 'message ' || p_msg_id);
            UPDATE sms_in SET command = 'resent', complaint_id = intake_complaint.complaint_id
             WHERE id = p_msg_id;
        END IF;
    END IF;
    IF NOT resent THEN
        INSERT INTO complaint (sms_in_id, sender, text, incomplete, confidential, keyword)
        VALUES (p_msg_id, p_sender, p_text, p_incomplete, p_confidential,
                (SELECT k.keyword FROM agency_keyword k WHERE k.keyword = p_keyword))
        RETURNING id INTO complaint_id;
        INSERT INTO complaint_event (complaint_id, actor, kind, detail)
        VALUES (complaint_id, p_actor, 'created', CASE WHEN p_incomplete THEN 'incomplete' END);
        UPDATE sms_in
           SET command = CASE WHEN p_confidential THEN 'confidential' ELSE 'complaint' END,
               complaint_id = intake_complaint.complaint_id
         WHERE id = p_msg_id;
        agency_id := coalesce((SELECT k.agency_id FROM agency_keyword k
                                WHERE k.keyword = p_keyword), 0);
    END IF;
    IF p_replyable THEN
        -- Serialised per number, so that the budget holds across all daemons.
        PERFORM pg_advisory_xact_lock(hashtext('budget:' || p_sender));
        SELECT count(*) + p_pending < p_budget INTO within
          FROM outbox o
         WHERE o.destination = p_sender
           AND o.created_at > now() - make_interval(secs => p_budget_window);
    END IF;
END;
$$;
