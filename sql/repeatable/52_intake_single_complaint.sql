-- Seven in ten messages are one SMS holding a complaint. For them the daemon used to call
-- intake_part() (the part and its message) and then intake_complaint() (the ticket), a round trip
-- each, the second waiting for the first, and intake_complaint() then updated the message row
-- that intake_part() had just written. Here both are one call, sent with the batch's other parts
-- in one pipeline, and the message row is written once, already pointing at its ticket.
--
-- It does what the two did, in the same order and under the same locks: the idempotency key
-- (the same as intake_part()'s for a single SMS, so a part stored either way is found by both),
-- the resend window, the complaint with its first event, the agency its keyword routes to, the
-- reply budget. The daemon calls it only for a sender with no other part in the same batch, so no
-- reply of this batch to the same number is still unwritten (intake_complaint()'s p_pending is 0).
-- Returns 'duplicate' (stored before; nothing else happened) or 'single'.
CREATE OR REPLACE FUNCTION intake_single_complaint(
    p_instance text, p_sender text, p_sender_raw text, p_smsc text, p_smsc_time timestamptz,
    p_coding text, p_class smallint, p_kind text, p_udh bytea, p_raw bytea, p_text text,
    p_body text, p_confidential boolean, p_keyword text, p_actor text, p_resend_window integer,
    p_replyable boolean, p_budget integer, p_budget_window integer,
    OUT outcome text, OUT msg_id bigint, OUT complaint_id bigint, OUT resent boolean,
    OUT agency_id integer, OUT within boolean)
LANGUAGE plpgsql VOLATILE
-- As intake_part(): plans kept for the session must not be made for empty tables.
SET enable_seqscan = off
AS $$
DECLARE
    v_key text;
BEGIN
    -- intake_part()'s key with no reference, total or number, as a single SMS has.
    v_key := md5(concat_ws('|', p_sender_raw, p_smsc_time, p_coding, NULL::integer,
                           NULL::integer, NULL::integer, encode(p_udh, 'hex'),
                           encode(p_raw, 'hex'), p_text));
    SELECT p.sms_in_id INTO msg_id FROM sms_part p WHERE p.idem_key = v_key;
    IF FOUND THEN
        outcome := 'duplicate';
        RETURN;
    END IF;
    outcome := 'single';
    resent := false;
    agency_id := 0;
    within := false;

    IF p_resend_window > 0 THEN
        PERFORM pg_advisory_xact_lock(hashtext('resend:' || p_sender));
        SELECT c.id INTO complaint_id
          FROM complaint c
         WHERE c.sender = p_sender AND md5(c.text) = md5(p_body) AND c.text = p_body
           AND c.created_at > now() - make_interval(secs => p_resend_window)
           AND c.status <> 'dibatalkan'
         ORDER BY c.id DESC
         LIMIT 1;
        resent := FOUND;
    END IF;
    IF NOT resent THEN
        complaint_id := nextval('complaint_seq');
        agency_id := coalesce((SELECT k.agency_id FROM agency_keyword k
                                WHERE k.keyword = p_keyword), 0);
    END IF;

    -- One statement: the message, its part, the complaint and its event point at each other,
    -- and the foreign keys are checked when the statement ends, with all four rows in place.
    WITH m AS (
        INSERT INTO sms_in (instance, sender, first_smsc_time, kind, state, text, closed_at,
                            command, complaint_id)
        VALUES (p_instance, p_sender, p_smsc_time, p_kind, 'complete', p_text, now(),
                CASE WHEN resent THEN 'resent'
                     WHEN p_confidential THEN 'confidential' ELSE 'complaint' END,
                intake_single_complaint.complaint_id)
        RETURNING id),
    part AS (
        INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                              msg_class, concat_seq, udh, raw, text)
        SELECT v_key, m.id, p_instance, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class,
               NULL, p_udh, p_raw, p_text
          FROM m),
    made AS (
        INSERT INTO complaint (id, sms_in_id, sender, text, incomplete, confidential, keyword)
        SELECT intake_single_complaint.complaint_id, m.id, p_sender, p_body, false,
               p_confidential, (SELECT k.keyword FROM agency_keyword k WHERE k.keyword = p_keyword)
          FROM m
         WHERE NOT resent
        RETURNING id),
    event AS (
        INSERT INTO complaint_event (complaint_id, actor, kind, detail)
        SELECT intake_single_complaint.complaint_id, p_actor,
               CASE WHEN resent THEN 'resent' ELSE 'created' END,
               CASE WHEN resent THEN 'message ' || m.id END
          FROM m)
    SELECT m.id INTO msg_id FROM m;

    IF p_replyable THEN
        PERFORM pg_advisory_xact_lock(hashtext('budget:' || p_sender));
        SELECT count(*) < p_budget INTO within
          FROM outbox o
         WHERE o.destination = p_sender
           AND o.created_at > now() - make_interval(secs => p_budget_window);
    END IF;
END;
$$;
