-- Service levels after LAPOR!: routed within 3 working days of receipt, first follow-up within 5
-- working days of routing. Dates are those of Jakarta, where the service runs.
CREATE OR REPLACE VIEW complaint_deadline AS
SELECT c.id,
       CASE WHEN c.status IN ('baru', 'ditunda')
            THEN working_day_after((c.created_at AT TIME ZONE 'Asia/Jakarta')::date, 3) END
           AS route_by,
       CASE WHEN c.status = 'diteruskan'
            THEN working_day_after((c.routed_at AT TIME ZONE 'Asia/Jakarta')::date, 5) END
           AS followup_by
  FROM complaint c
 WHERE c.status IN ('baru', 'ditunda', 'diteruskan');
