-- Each open complaint keeps the date its service level falls due, so the overdue and reminder
-- scans read a range of one index instead of counting working days for every open complaint.
-- repeatable/20_complaint_deadline.sql holds the rule (complaint_due_on()), the triggers that
-- keep the column, and fills it in for the complaints made before this migration.
ALTER TABLE complaint ADD COLUMN due_on date;
CREATE INDEX complaint_due ON complaint (due_on) WHERE due_on IS NOT NULL;
