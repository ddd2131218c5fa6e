-- Moves the rows of p_table whose p_key is one of p_ids into its archive table, archive_<p_table>
-- (006_complaint_due_on.sql), in one statement: none is in both or in neither. lapor_archive
-- calls it with its own tables' names, one table at a time.
CREATE OR REPLACE FUNCTION lapor_archive_rows(p_table text, p_key text, p_ids bigint[])
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('WITH gone AS (DELETE FROM %I WHERE %I = ANY ($1) RETURNING *)'
                   ' INSERT INTO %I SELECT * FROM gone', p_table, p_key, 'archive_' || p_table)
      USING p_ids;
END;
$$;

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

    -- The rows that point at a ticket or its messages go first, so that no foreign key is left
    -- pointing at a row gone.
    PERFORM lapor_archive_rows('outbox_part', 'outbox_id', v_outbox);
    PERFORM lapor_archive_rows('outbox', 'id', v_outbox);
    PERFORM lapor_archive_rows('confirmation', 'complaint_id', v_complaints);
    PERFORM lapor_archive_rows('confirmation', 'sms_in_id', v_messages);
    PERFORM lapor_archive_rows('webhook_event', 'complaint_id', v_complaints);
    PERFORM lapor_archive_rows('reminder', 'complaint_id', v_complaints);
    PERFORM lapor_archive_rows('complaint_event', 'complaint_id', v_complaints);
    PERFORM lapor_archive_rows('sms_part', 'sms_in_id', v_messages);
    -- A ticket and the message it came in point at each other: they go in one statement, whose
    -- end is when the foreign keys are checked.
    WITH message_gone AS (
        DELETE FROM sms_in WHERE id = ANY (v_messages) RETURNING *),
    message_kept AS (
        INSERT INTO archive_sms_in SELECT * FROM message_gone),
    complaint_gone AS (
        DELETE FROM complaint WHERE id = ANY (v_complaints) RETURNING *)
    INSERT INTO archive_complaint SELECT * FROM complaint_gone;
    RETURN cardinality(v_complaints);
END;
$$;
