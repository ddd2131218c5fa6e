-- lapor-smsd schema version 5: finding a resent text without reading every complaint of the
-- sender. A number that floods 1708 with thousands of different texts would otherwise make each
-- new message compare itself with all of them.
CREATE INDEX complaint_resend ON complaint (sender, md5(text), created_at);

-- Messages that are no citizen's SMS at all, such as an SMS-SUBMIT (a draft or a sent message)
-- found among the received ones: stored, never read as a complaint, never answered.
ALTER TABLE sms_in DROP CONSTRAINT sms_in_kind_check;
ALTER TABLE sms_in ADD CONSTRAINT sms_in_kind_check
    CHECK (kind IN ('text', 'flash', 'binary', 'status_report', 'undecodable', 'other'));
