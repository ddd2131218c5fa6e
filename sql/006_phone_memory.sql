-- lapor-smsd schema version 6: the phone's own message memory in the heartbeat, beside the SIM's,
-- for the storage alarm.
ALTER TABLE heartbeat ADD COLUMN phone_used integer;
ALTER TABLE heartbeat ADD COLUMN phone_total integer;
