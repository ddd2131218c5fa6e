-- Agencies' own systems receive their tickets over HTTP (lapor-smsd-webhook(7)). One webhook per
-- agency; each change to a routed ticket queues an event for it in the transaction that made the
-- change (repeatable/70_webhook_queue.sql), and the daemons' webhook senders deliver the events.

-- failures and backoff_until are the agency's own back-off: a dead endpoint waits alone, while
-- other agencies' events go on. secret signs every delivery; readers never see it.
CREATE TABLE agency_webhook (
    agency_id     integer PRIMARY KEY REFERENCES agency (id),
    url           text NOT NULL CHECK (url ~ '^https?://[^/?#@[:space:]]+([/?#][^[:space:]]*)?$'),
    secret        text NOT NULL CHECK (length(secret) BETWEEN 16 AND 256),
    allow_http    boolean NOT NULL DEFAULT false,
    failures      integer NOT NULL DEFAULT 0,
    backoff_until timestamptz,
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (allow_http OR url ~ '^https://')
);

-- One event for one agency. payload is the JSON body exactly as it is POSTed (and signed);
-- event_id, in the payload and a header, lets receivers drop a second delivery. A sender claims
-- an event with a lease (FOR UPDATE SKIP LOCKED), so no event is in flight twice; the oldest
-- undelivered event of a ticket holds back its later ones, so that each ticket's events arrive in
-- order. lease_owner stays on a delivered event: the sender that delivered it.
CREATE TABLE webhook_event (
    id              bigserial PRIMARY KEY,
    event_id        uuid NOT NULL UNIQUE,
    agency_id       integer NOT NULL REFERENCES agency (id),
    complaint_id    bigint NOT NULL REFERENCES complaint (id),
    kind            text NOT NULL,
    payload         text NOT NULL,
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'sending', 'delivered', 'failed', 'cancelled')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    lease_owner     text,
    lease_until     timestamptz,
    last_code       integer,
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX webhook_event_ready ON webhook_event (agency_id, id)
    WHERE status IN ('queued', 'sending');
CREATE INDEX webhook_event_undelivered ON webhook_event (complaint_id, agency_id, id)
    WHERE status IN ('queued', 'sending', 'failed');
CREATE INDEX webhook_event_status ON webhook_event (status, id);

DO $$
BEGIN
    IF to_regrole('lapor_daemon') IS NOT NULL THEN
        -- The daemon queues events (the trigger runs as the role that changed the ticket),
        -- delivers them, and keeps each agency's back-off.
        GRANT SELECT, INSERT, UPDATE ON webhook_event TO lapor_daemon;
        GRANT SELECT, UPDATE ON agency_webhook TO lapor_daemon;
        GRANT USAGE ON SEQUENCE webhook_event_id_seq TO lapor_daemon;
    END IF;
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON webhook_event TO lapor_reader;
        GRANT SELECT (agency_id, url, allow_http, failures, backoff_until, last_error, created_at,
                      updated_at) ON agency_webhook TO lapor_reader;
    END IF;
END;
$$;
