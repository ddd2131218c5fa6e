-- Closes messages whose parts stopped coming: after p_timeout from the first part, the message is
-- taken as it is, marked incomplete. SKIP LOCKED lets several daemons sweep at once. The text is
-- joined by the caller (sms_in_parts_to_join()), so msg_text is NULL.
CREATE OR REPLACE FUNCTION intake_expire(p_timeout interval, p_limit integer)
RETURNS TABLE (msg_id bigint, msg_sender text, msg_kind text, msg_text text)
LANGUAGE sql AS $$
    UPDATE sms_in g
       SET state = 'incomplete', closed_at = now()
     WHERE g.id IN (SELECT o.id FROM sms_in o
                     WHERE o.state = 'open' AND o.first_received_at < now() - p_timeout
                     ORDER BY o.id
                     LIMIT p_limit
                       FOR UPDATE SKIP LOCKED)
    RETURNING g.id, g.sender, g.kind, NULL::text;
$$;
