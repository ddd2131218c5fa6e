-- lapor-smsd schema version 4: agencies' liaison officers, routing, follow-ups, service levels.

ALTER TABLE complaint ADD COLUMN agency_id integer REFERENCES agency (id);
ALTER TABLE complaint ADD COLUMN routed_at timestamptz;
ALTER TABLE complaint ADD COLUMN first_followup_at timestamptz;
ALTER TABLE complaint ADD COLUMN closed_at timestamptz;
CREATE INDEX complaint_agency ON complaint (agency_id, status);

-- The liaison officers ("pejabat penghubung") of each agency, by their registered numbers (E.164).
CREATE TABLE liaison (
    id         serial PRIMARY KEY,
    agency_id  integer NOT NULL REFERENCES agency (id),
    number     text NOT NULL CHECK (number ~ '^\+[0-9]{7,15}$'),
    name       text,
    active     boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_id, number)
);
CREATE INDEX liaison_number ON liaison (number) WHERE active;

-- Days that are not working days besides Saturdays and Sundays. 'config' rows mirror the holidays
-- of the daemons' configuration; 'database' rows are kept by operators.
CREATE TABLE holiday (
    day    date PRIMARY KEY,
    name   text,
    source text NOT NULL DEFAULT 'database' CHECK (source IN ('database', 'config'))
);

-- The date p_days working days after p_from (weekends and holidays do not count).
CREATE FUNCTION working_day_after(p_from date, p_days integer) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT d::date
      FROM generate_series(p_from + 1, p_from + 10 + p_days * 3, interval '1 day') AS d
     WHERE extract(isodow FROM d) < 6
       AND NOT EXISTS (SELECT 1 FROM holiday h WHERE h.day = d::date)
     ORDER BY d
    OFFSET greatest(p_days, 1) - 1
     LIMIT 1;
$$;

-- Service levels after LAPOR!: routed within 3 working days of receipt, first follow-up within 5
-- working days of routing. Dates are those of Jakarta, where the service runs.
CREATE VIEW complaint_deadline AS
SELECT c.id,
       CASE WHEN c.status IN ('baru', 'ditunda')
            THEN working_day_after((c.created_at AT TIME ZONE 'Asia/Jakarta')::date, 3) END
           AS route_by,
       CASE WHEN c.status = 'diteruskan'
            THEN working_day_after((c.routed_at AT TIME ZONE 'Asia/Jakarta')::date, 5) END
           AS followup_by
  FROM complaint c
 WHERE c.status IN ('baru', 'ditunda', 'diteruskan');

-- One reminder a day at most to the liaisons of an overdue ticket, whichever daemon sends it.
CREATE TABLE reminder (
    complaint_id bigint NOT NULL REFERENCES complaint (id),
    day          date NOT NULL,
    sent_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (complaint_id, day)
);

-- What agencies' own systems may read: their tickets, never a confidential sender's number.
CREATE VIEW agency_ticket AS
SELECT ticket_of(c.id) AS ticket,
       a.code AS agency,
       c.status,
       c.text,
       CASE WHEN c.confidential THEN NULL ELSE c.sender END AS sender,
       c.confidential,
       c.created_at,
       c.routed_at,
       c.first_followup_at,
       c.closed_at,
       d.followup_by
  FROM complaint c
  JOIN agency a ON a.id = c.agency_id
  LEFT JOIN complaint_deadline d ON d.id = c.id;

-- Routes a complaint to an agency, records who did it and why, and tells listeners on channel
-- 'lapor_ticket' (delivered at commit; the payload never carries the citizen's number).
CREATE FUNCTION route_complaint(p_id bigint, p_agency integer, p_actor text, p_reason text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_code text;
BEGIN
    SELECT code INTO STRICT v_code FROM agency WHERE id = p_agency;
    UPDATE complaint
       SET agency_id = p_agency, status = 'diteruskan', routed_at = now(), updated_at = now()
     WHERE id = p_id;
    INSERT INTO complaint_event (complaint_id, actor, kind, detail)
    VALUES (p_id, p_actor, 'routed', v_code || coalesce(': ' || p_reason, ''));
    PERFORM pg_notify('lapor_ticket',
                      json_build_object('event', 'routed', 'ticket', ticket_of(p_id),
                                        'agency', v_code)::text);
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_daemon') THEN
        GRANT SELECT, INSERT, UPDATE ON liaison, holiday, reminder TO lapor_daemon;
        GRANT SELECT ON complaint_deadline, agency_ticket TO lapor_daemon;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO lapor_daemon;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_reader') THEN
        GRANT SELECT ON liaison, holiday, reminder, complaint_deadline, agency_ticket
            TO lapor_reader;
    END IF;
END;
$$;
