-- lapor-smsd schema version 10: the modem recovery ladder, for operators to see.
ALTER TABLE heartbeat ADD COLUMN recovery_step text;      -- the step being taken, NULL when none
ALTER TABLE heartbeat ADD COLUMN recovery_failures integer; -- failures in a row so far
ALTER TABLE heartbeat ADD COLUMN recoveries integer;      -- times the modem came back
ALTER TABLE heartbeat ADD COLUMN last_recovery text;      -- the step it last came back after
ALTER TABLE heartbeat ADD COLUMN last_recovery_at timestamptz;

DO $$
BEGIN
    PERFORM lapor_give_to_owner();
END;
$$;
