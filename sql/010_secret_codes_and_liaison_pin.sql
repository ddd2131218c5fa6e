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

-- A liaison's optional PIN (confirm.mechanism "pin" or "both"): only a salt and a stretched hash
-- (PBKDF2-HMAC-SHA256, computed by the programs: module pin), never the PIN. pin_failures counts
-- wrong PINs since the last right one; at confirm.pin_attempts the liaison is locked
-- (pin_locked_at) until an operator runs lapor-smsctl liaison unlock. lapor_reader reads every
-- column but the salt and the hash.
ALTER TABLE liaison
    ADD COLUMN pin_salt       bytea,
    ADD COLUMN pin_hash       bytea,
    ADD COLUMN pin_iterations integer,
    ADD COLUMN pin_failures   integer NOT NULL DEFAULT 0,
    ADD COLUMN pin_locked_at  timestamptz,
    ADD CONSTRAINT liaison_pin_whole
        CHECK ((pin_hash IS NULL) = (pin_salt IS NULL) AND (pin_hash IS NULL) = (pin_iterations IS NULL));

DO $$
BEGIN
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        REVOKE SELECT ON liaison FROM lapor_reader;
        GRANT SELECT (id, agency_id, number, name, active, created_at, pin_iterations, pin_failures,
                      pin_locked_at) ON liaison TO lapor_reader;
    END IF;
END;
$$;
