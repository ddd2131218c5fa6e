-- The archive: closed tickets moved out of the hot tables (006_complaint_due_on.sql).

-- An earlier version's helper, which built its statement from table names.
DROP FUNCTION IF EXISTS lapor_archive_rows(text, text, bigint[]);

-- Moves up to p_limit closed tickets whose closing is more than p_days days old, with their
-- messages and parts, events, reminders, confirmations, webhook events (a ticket with one still
-- to deliver stays), and the outgoing messages (and parts) of either, from
-- the hot tables into the archive tables, in one transaction: a row is in one place or the other
-- at every commit, never in neither. Returns how many tickets moved; a caller repeats it until 0,
-- each call its own transaction. Tickets being changed meanwhile are skipped, not waited for.
CREATE OR REPLACE FUNCTION lapor_archive(p_days integer, p_limit integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    v_complaints bigint[];
    v_messages   bigint[];
    v_outbox     bigint[];
BEGIN
    IF p_days IS NULL OR p_days < 1 OR p_limit IS NULL OR p_limit < 1 THEN
        RAISE EXCEPTION 'archive: the age must be 1 day or more, the batch 1 ticket or more';
    END IF;
    v_complaints := ARRAY(
        SELECT c.id FROM complaint c
         WHERE c.status IN ('selesai', 'ditolak', 'dibatalkan', 'arsip')
           AND c.closed_at < now() - make_interval(days => p_days)
           -- An event still to be delivered keeps its ticket until it is.
           AND NOT EXISTS (SELECT 1 FROM webhook_event w
                            WHERE w.complaint_id = c.id AND w.status IN ('queued', 'sending'))
         ORDER BY c.closed_at LIMIT p_limit
           FOR UPDATE SKIP LOCKED);
    IF cardinality(v_complaints) = 0 THEN
        RETURN 0;
    END IF;
    v_messages := ARRAY(
        SELECT m.id FROM sms_in m WHERE m.complaint_id = ANY (v_complaints)
        UNION
        SELECT c.sms_in_id FROM complaint c WHERE c.id = ANY (v_complaints));
    v_outbox := ARRAY(
        SELECT o.id FROM outbox o WHERE o.complaint_id = ANY (v_complaints)
        UNION
        SELECT o.id FROM outbox o WHERE o.sms_in_id = ANY (v_messages));

    -- Every row moves in one statement: the foreign keys are checked at its end, when a row and
    -- the rows pointing at it have all gone, so no order among them is needed (a ticket and the
    -- message it came in point at each other).
    WITH part_gone AS (
        DELETE FROM outbox_part WHERE outbox_id = ANY (v_outbox) RETURNING *),
    part_kept AS (INSERT INTO archive_outbox_part SELECT * FROM part_gone),
    reply_gone AS (DELETE FROM outbox WHERE id = ANY (v_outbox) RETURNING *),
    reply_kept AS (INSERT INTO archive_outbox SELECT * FROM reply_gone),
    confirmation_gone AS (
        DELETE FROM confirmation
         WHERE complaint_id = ANY (v_complaints) OR sms_in_id = ANY (v_messages) RETURNING *),
    confirmation_kept AS (INSERT INTO archive_confirmation SELECT * FROM confirmation_gone),
    webhook_gone AS (
        DELETE FROM webhook_event WHERE complaint_id = ANY (v_complaints) RETURNING *),
    webhook_kept AS (INSERT INTO archive_webhook_event SELECT * FROM webhook_gone),
    reminder_gone AS (DELETE FROM reminder WHERE complaint_id = ANY (v_complaints) RETURNING *),
    reminder_kept AS (INSERT INTO archive_reminder SELECT * FROM reminder_gone),
    event_gone AS (
        DELETE FROM complaint_event WHERE complaint_id = ANY (v_complaints) RETURNING *),
    event_kept AS (INSERT INTO archive_complaint_event SELECT * FROM event_gone),
    sms_part_gone AS (DELETE FROM sms_part WHERE sms_in_id = ANY (v_messages) RETURNING *),
    sms_part_kept AS (INSERT INTO archive_sms_part SELECT * FROM sms_part_gone),
    message_gone AS (DELETE FROM sms_in WHERE id = ANY (v_messages) RETURNING *),
    message_kept AS (INSERT INTO archive_sms_in SELECT * FROM message_gone),
    complaint_gone AS (DELETE FROM complaint WHERE id = ANY (v_complaints) RETURNING *)
    INSERT INTO archive_complaint SELECT * FROM complaint_gone;
    RETURN cardinality(v_complaints);
END;
$$;
