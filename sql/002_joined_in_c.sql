-- lapor-smsd schema version 2: a message's text is joined by the daemon from its parts' septets and
-- UTF-16 units (sms_in_parts_to_join() hands it the parts), so that a character cut by a part
-- boundary is whole again; the SQL function that glued the parts' decoded texts goes.
DROP FUNCTION IF EXISTS sms_in_joined_text(bigint);
