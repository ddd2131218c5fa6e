-- Service levels after LAPOR!: routed within 3 working days of receipt, first follow-up within 5
-- working days of routing. Dates are those of Jakarta, where the service runs. NULL for a
-- complaint no service level waits on.
CREATE OR REPLACE FUNCTION complaint_due_on(p_status text, p_created_at timestamptz,
                                            p_routed_at timestamptz) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_status IN ('baru', 'ditunda')
                THEN working_day_after((p_created_at AT TIME ZONE 'Asia/Jakarta')::date, 3)
                WHEN p_status = 'diteruskan'
                THEN working_day_after((p_routed_at AT TIME ZONE 'Asia/Jakarta')::date, 5) END;
$$;

-- complaint.due_on follows the complaint: set on insert (unless the inserting statement gave
-- it), and again whenever its status or either date it is counted from changes.
CREATE OR REPLACE FUNCTION complaint_due_on_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.due_on := complaint_due_on(NEW.status, NEW.created_at, NEW.routed_at);
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER complaint_due_on_insert BEFORE INSERT ON complaint
    FOR EACH ROW WHEN (NEW.due_on IS NULL) EXECUTE FUNCTION complaint_due_on_keep();
CREATE OR REPLACE TRIGGER complaint_due_on_update BEFORE UPDATE OF status, created_at, routed_at
    ON complaint FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.routed_at IS DISTINCT FROM NEW.routed_at)
    EXECUTE FUNCTION complaint_due_on_keep();

-- Complaints made before migration 006 stored no due date; every migrate fills in any missing.
UPDATE complaint c
   SET due_on = complaint_due_on(c.status, c.created_at, c.routed_at)
 WHERE c.due_on IS NULL AND c.status IN ('baru', 'ditunda', 'diteruskan');

-- A holiday added or removed moves the due dates on or after it; those before it cannot change.
CREATE OR REPLACE FUNCTION complaint_due_on_holiday() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_from date := CASE TG_OP WHEN 'INSERT' THEN NEW.day WHEN 'DELETE' THEN OLD.day
                   ELSE least(OLD.day, NEW.day) END;
BEGIN
    UPDATE complaint c
       SET due_on = complaint_due_on(c.status, c.created_at, c.routed_at)
     WHERE c.due_on >= v_from;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE TRIGGER holiday_moves_due_on AFTER INSERT OR DELETE OR UPDATE OF day
    ON holiday FOR EACH ROW EXECUTE FUNCTION complaint_due_on_holiday();

-- The deadline that applies to each open complaint, as stored in complaint.due_on.
CREATE OR REPLACE VIEW complaint_deadline AS
SELECT c.id,
       CASE WHEN c.status IN ('baru', 'ditunda') THEN c.due_on END AS route_by,
       CASE WHEN c.status = 'diteruskan' THEN c.due_on END AS followup_by
  FROM complaint c
 WHERE c.status IN ('baru', 'ditunda', 'diteruskan');
