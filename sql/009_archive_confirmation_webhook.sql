-- The archive (006) follows the tables that came after it and hang from a ticket: the
-- confirmations asked for its commands (003) and the webhook events of its agencies (007).
CREATE TABLE archive_confirmation (LIKE confirmation INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE TABLE archive_webhook_event (LIKE webhook_event INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE INDEX archive_webhook_event_complaint ON archive_webhook_event (complaint_id);
CREATE INDEX confirmation_complaint ON confirmation (complaint_id);
CREATE INDEX webhook_event_complaint ON webhook_event (complaint_id);

DO $$
BEGIN
    -- As for confirmation itself, the readers get no right on the codes' hashes.
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON archive_webhook_event TO lapor_reader;
    END IF;
END;
$$;
