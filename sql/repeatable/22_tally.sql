-- Keeps the table tally (006_complaint_due_on.sql) as rows come, change state and go: one upsert
-- per statement and name, into the row of this backend, whose own transactions alone touch it.
CREATE OR REPLACE FUNCTION tally_add(p_name text, p_n bigint) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO tally (name, shard, n) VALUES (p_name, pg_backend_pid(), p_n)
    ON CONFLICT (name, shard) DO UPDATE SET n = tally.n + excluded.n;
$$;

-- Outgoing messages by status: +1 for each row that came or entered a status, -1 for each that
-- went or left one; and those sent each day ('outbox:sent@DAY').
CREATE OR REPLACE FUNCTION tally_outbox() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM tally_add('outbox:' || status, count(*)) FROM new_rows GROUP BY status;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM tally_add('outbox:' || status, -count(*)) FROM old_rows GROUP BY status;
    ELSE
        PERFORM tally_add('outbox:' || status, sum(d))
           FROM (SELECT status, 1 AS d FROM new_rows
                 UNION ALL SELECT status, -1 FROM old_rows) c
          GROUP BY status HAVING sum(d) <> 0;
        PERFORM tally_add('outbox:sent@' || current_date, count(*))
           FROM new_rows n JOIN old_rows o ON o.id = n.id
          WHERE n.status = 'sent' AND o.status <> 'sent' HAVING count(*) > 0;
    END IF;
    RETURN NULL;
END;
$$;

-- Messages and complaints ever stored: counters, which the archive step does not lower; and
-- those stored each day ('sms_in@DAY', 'complaint@DAY').
CREATE OR REPLACE FUNCTION tally_stored() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tally_add(TG_TABLE_NAME, count(*)), tally_add(TG_TABLE_NAME || '@' || current_date,
                                                          count(*))
       FROM new_rows HAVING count(*) > 0;
    RETURN NULL;
END;
$$;

-- The tables counted, each with its own triggers: a trigger with transition tables fires on one
-- kind of change only.
CREATE OR REPLACE TRIGGER tally_outbox_insert AFTER INSERT ON outbox
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_outbox();
CREATE OR REPLACE TRIGGER tally_outbox_update AFTER UPDATE ON outbox
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tally_outbox();
CREATE OR REPLACE TRIGGER tally_outbox_delete AFTER DELETE ON outbox
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_outbox();
CREATE OR REPLACE TRIGGER tally_sms_in AFTER INSERT ON sms_in
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_stored();
CREATE OR REPLACE TRIGGER tally_complaint AFTER INSERT ON complaint
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tally_stored();

-- The sum of a count over every backend's row.
CREATE OR REPLACE FUNCTION tally_of(p_name text) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(sum(n), 0)::bigint FROM tally WHERE name = p_name;
$$;
