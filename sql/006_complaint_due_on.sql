-- Each open complaint keeps the date its service level falls due, so the overdue and reminder
-- scans read a range of one index instead of counting working days for every open complaint.
-- repeatable/20_complaint_deadline.sql holds the rule (complaint_due_on()), the triggers that
-- keep the column, and fills it in for the complaints made before this migration.
ALTER TABLE complaint ADD COLUMN due_on date;
CREATE INDEX complaint_due ON complaint (due_on) WHERE due_on IS NOT NULL;

-- Retention (lapor_archive(), repeatable/70_archive.sql; `lapor-smsctl archive`): closed tickets
-- past an age move, with every row that hangs from them, into tables of the same columns in the
-- same order, so that each move is an INSERT of what the DELETE returned. A column added to a
-- hot table later is added to its archive table in the same migration.
CREATE TABLE archive_complaint (LIKE complaint INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE TABLE archive_complaint_event (LIKE complaint_event INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE TABLE archive_reminder (LIKE reminder INCLUDING DEFAULTS,
                               PRIMARY KEY (complaint_id, day));
CREATE TABLE archive_sms_in (LIKE sms_in INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE TABLE archive_sms_part (LIKE sms_part INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE TABLE archive_outbox (LIKE outbox INCLUDING DEFAULTS, PRIMARY KEY (id));
CREATE TABLE archive_outbox_part (LIKE outbox_part INCLUDING DEFAULTS,
                                  PRIMARY KEY (outbox_id, seq));
CREATE INDEX archive_complaint_event_complaint ON archive_complaint_event (complaint_id);
CREATE INDEX archive_sms_in_complaint ON archive_sms_in (complaint_id);
CREATE INDEX archive_outbox_complaint ON archive_outbox (complaint_id);
-- What the archive step looks rows up by (and what the foreign keys' checks on a delete of a
-- complaint or a message read): none of these had an index.
CREATE INDEX complaint_closed ON complaint (closed_at)
    WHERE status IN ('selesai', 'ditolak', 'dibatalkan', 'arsip');
CREATE INDEX sms_in_complaint ON sms_in (complaint_id) WHERE complaint_id IS NOT NULL;
CREATE INDEX outbox_complaint ON outbox (complaint_id) WHERE complaint_id IS NOT NULL;

DO $$
BEGIN
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON archive_complaint, archive_complaint_event, archive_reminder,
              archive_sms_in, archive_sms_part, archive_outbox, archive_outbox_part
              TO lapor_reader;
    END IF;
END;
$$;

-- Counts that status and metrics show, kept as they change (repeatable/22_tally.sql) instead of
-- counted over tables of millions of rows: rows of outbox by status ('outbox:STATUS'), messages
-- ('sms_in') and complaints ('complaint') ever stored, and those of each day ('sms_in@DAY',
-- 'complaint@DAY', 'outbox:sent@DAY'). One row per name and PostgreSQL backend (shard: its
-- process id), so that daemons never wait on each other's counts; readers sum them.
CREATE TABLE tally (
    name  text NOT NULL,
    shard integer NOT NULL,
    n     bigint NOT NULL,
    PRIMARY KEY (name, shard)
);
INSERT INTO tally (name, shard, n)
SELECT 'outbox:' || status, 0, count(*) FROM outbox GROUP BY status
UNION ALL SELECT 'sms_in', 0, count(*) FROM sms_in
UNION ALL SELECT 'complaint', 0, count(*) FROM complaint
UNION ALL SELECT 'sms_in@' || current_date, 0, count(*) FROM sms_in
           WHERE first_received_at >= current_date
UNION ALL SELECT 'complaint@' || current_date, 0, count(*) FROM complaint
           WHERE created_at >= current_date
UNION ALL SELECT 'outbox:sent@' || current_date, 0, count(*) FROM outbox
           WHERE status = 'sent' AND sent_at >= current_date;

-- Today's delivery reports in status read a day's rows, not all of them; the entries go in at
-- the right end of the index, in time order. A few undecodable messages among millions.
CREATE INDEX outbox_part_delivery ON outbox_part (delivery_at) WHERE delivery_at IS NOT NULL;
CREATE INDEX sms_in_undecodable ON sms_in (id) WHERE kind = 'undecodable';

DO $$
BEGIN
    IF to_regrole('lapor_daemon') IS NOT NULL THEN
        GRANT SELECT, INSERT, UPDATE ON tally TO lapor_daemon;
    END IF;
    IF to_regrole('lapor_reader') IS NOT NULL THEN
        GRANT SELECT ON tally TO lapor_reader;
    END IF;
END;
$$;
