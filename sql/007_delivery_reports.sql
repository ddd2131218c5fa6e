-- lapor-smsd schema version 7: delivery reports, matched to the part they report on.
ALTER TABLE outbox_part ADD COLUMN delivery text
    CHECK (delivery IN ('pending', 'delivered', 'failed', 'expired'));
ALTER TABLE outbox_part ADD COLUMN delivery_code integer;
ALTER TABLE outbox_part ADD COLUMN delivery_at timestamptz;
-- Reports name the message reference the network gave the part (0-255, so it repeats) and the
-- recipient: the newest sent part to that number with that reference is the one.
CREATE INDEX outbox_part_msg_ref ON outbox_part (msg_ref, updated_at) WHERE status = 'sent';

-- Voice calls the modem rejected (citizens do call 1708), counted since the daemon started.
ALTER TABLE heartbeat ADD COLUMN calls_rejected integer;
