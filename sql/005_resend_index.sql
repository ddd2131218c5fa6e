-- lapor-smsd schema version 5: finding a resent text without reading every complaint of the
-- sender. A number that floods 1708 with thousands of different texts would otherwise make each
-- new message compare itself with all of them.
CREATE INDEX complaint_resend ON complaint (sender, md5(text), created_at);

