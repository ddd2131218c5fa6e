-- The outbox as operators may read it (lapor_reader has no right on outbox.text): every row and
-- column, but the text of a confirmation code's SMS is replaced, so that no reader can answer a
-- code in the place of the phone it was sent to.
CREATE OR REPLACE VIEW outbox_for_reader AS
SELECT o.id, o.complaint_id, o.sms_in_id, o.kind, o.destination,
       CASE WHEN o.kind = 'confirm_ask' THEN '(a confirmation code)' ELSE o.text END AS text,
       o.via_instance, o.status, o.concat_ref, o.parts, o.attempts, o.next_attempt_at,
       o.lease_owner, o.lease_until, o.last_error, o.created_at, o.sent_at
  FROM outbox o;
