-- A confirmation code is the key to the command waiting for it: whoever reads it can send it back
-- from a forged number before the real phone does. lapor_reader, the operators' role, keeps every
-- column of the outbox (and of its archive) but the text, and reads the texts through
-- outbox_for_reader (repeatable/23), which shows a code's SMS as "(a confirmation code)". The
-- daemon still reads and sends the one row, so sending stays exactly once.
DO $$
BEGIN
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        REVOKE SELECT ON outbox, archive_outbox FROM lapor_reader;
        GRANT SELECT (id, complaint_id, sms_in_id, kind, destination, via_instance, status,
                      concat_ref, parts, attempts, next_attempt_at, lease_owner, lease_until,
                      last_error, created_at, sent_at) ON outbox, archive_outbox TO lapor_reader;
    END IF;
END;
$$;
