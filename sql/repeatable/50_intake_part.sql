-- Stores one part and joins it to its message, in the caller's transaction. Returns what became
-- of it: 'duplicate' (stored before), 'single' (a message of its own), 'waiting' (more parts to
-- come), 'complete' (this part completed its message) or 'late' (it joined a message that the
-- multipart timeout had already closed as incomplete).
CREATE OR REPLACE FUNCTION intake_part(
    p_instance text, p_sender text, p_sender_raw text, p_smsc text, p_smsc_time timestamptz,
    p_coding text, p_class smallint, p_kind text, p_ref integer, p_total integer, p_seq integer,
    p_udh bytea, p_raw bytea, p_text text, p_join_window interval,
    OUT outcome text, OUT msg_id bigint, OUT msg_text text, OUT msg_complete boolean)
LANGUAGE plpgsql
-- PL/pgSQL plans each statement once per session and may keep a generic plan for good; the
-- daemon's session often starts on an empty database, where a sequential scan looks cheapest,
-- and the plan would then read whole tables for every part once they are full (measured with
-- auto_explain at 10,000 messages). Every statement here has an index made for it.
SET enable_seqscan = off
AS $$
DECLARE
    v_key   text;
    v_state text;
    v_have  integer;
BEGIN
    v_key := md5(concat_ws('|', p_sender_raw, p_smsc_time, p_coding, p_ref, p_total, p_seq,
                           encode(p_udh, 'hex'), encode(p_raw, 'hex'), p_text));
    SELECT p.sms_in_id INTO msg_id FROM sms_part p WHERE p.idem_key = v_key;
    IF FOUND THEN
        outcome := 'duplicate';
        RETURN;
    END IF;

    IF p_total IS NULL OR p_total <= 1 THEN
        INSERT INTO sms_in (instance, sender, first_smsc_time, kind, state, text, closed_at)
        VALUES (p_instance, p_sender, p_smsc_time, p_kind, 'complete', p_text, now())
        RETURNING id INTO msg_id;
        INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                              msg_class, concat_seq, udh, raw, text)
        VALUES (v_key, msg_id, p_instance, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class,
                p_seq, p_udh, p_raw, p_text);
        outcome := 'single';
        msg_text := p_text;
        msg_complete := true;
        RETURN;
    END IF;

    -- Parts of one message come from one sender with one reference and total, and were sent
    -- together, so their SMSC times lie close. Serialise the parts of one sender and reference.
    PERFORM pg_advisory_xact_lock(hashtext(p_sender), p_ref);
    SELECT g.id, g.state INTO msg_id, v_state
      FROM sms_in g
     WHERE g.sender = p_sender AND g.concat_ref = p_ref AND g.concat_total = p_total
       AND CASE WHEN p_smsc_time IS NOT NULL AND g.first_smsc_time IS NOT NULL
                THEN abs(extract(epoch FROM g.first_smsc_time - p_smsc_time))
                     <= extract(epoch FROM p_join_window)
                ELSE g.first_received_at > now() - p_join_window END
       -- A subplan run for each candidate with its id, never a join: a join planned while
       -- sms_part was empty would read all of it for every later part.
       AND p_seq <> ALL (ARRAY(SELECT q.concat_seq FROM sms_part q WHERE q.sms_in_id = g.id))
     ORDER BY g.id DESC
     LIMIT 1
       FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO sms_in (instance, sender, concat_ref, concat_total, first_smsc_time, kind)
        VALUES (p_instance, p_sender, p_ref, p_total, p_smsc_time, p_kind)
        RETURNING id, state INTO msg_id, v_state;
    END IF;
    INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time, coding,
                          msg_class, concat_seq, udh, raw, text)
    VALUES (v_key, msg_id, p_instance, p_sender_raw, p_smsc, p_smsc_time, p_coding, p_class,
            p_seq, p_udh, p_raw, p_text);

    SELECT count(DISTINCT q.concat_seq) INTO v_have
      FROM sms_part q
     WHERE q.sms_in_id = msg_id AND q.concat_seq BETWEEN 1 AND p_total;
    msg_complete := v_have = p_total;
    IF v_state = 'open' AND NOT msg_complete THEN
        outcome := 'waiting';
        RETURN;
    END IF;

    msg_text := sms_in_joined_text(msg_id);
    UPDATE sms_in
       SET state = CASE WHEN msg_complete THEN 'complete' ELSE state END,
           text = msg_text,
           closed_at = coalesce(closed_at, now())
     WHERE id = msg_id;
    outcome := CASE WHEN v_state = 'open' THEN 'complete' ELSE 'late' END;
END;
$$;
