-- The parts the texts of messages p_ids are made of, for the daemon to join: each message's parts
-- in part-number order, a repeated part number counting once (its first stored copy), with the
-- raw bytes that hold a text part's UTF-16 units. Joining happens at the level of septets and
-- UTF-16 units (modem_decode_join() in daemon/modem_decode.c), where a character cut by a part
-- boundary is whole again; store_intake.c writes the text back in the same transaction. By the
-- index sms_part_in.
CREATE OR REPLACE FUNCTION sms_in_parts_to_join(p_ids bigint[])
RETURNS TABLE (msg_id bigint, seq integer, coding text, raw_hex text, text text)
-- PL/pgSQL keeps the plan for the session, where a SQL function with a SET clause is planned
-- again on every call.
LANGUAGE plpgsql STABLE
-- The daemon's session may start on an empty database, where a plan kept for the session would
-- read the whole table; the index is the way in whatever the table holds.
SET enable_seqscan = off
AS $$
BEGIN
    RETURN QUERY
    SELECT DISTINCT ON (q.sms_in_id, q.concat_seq)
           q.sms_in_id, q.concat_seq, q.coding, encode(q.raw, 'hex'), q.text
      FROM sms_part q
     WHERE q.sms_in_id = ANY (p_ids)
     ORDER BY q.sms_in_id, q.concat_seq, q.id;
END;
$$;

-- Writes the joined texts back to their messages, in the same transaction (as above, by the
-- primary key whatever the table holds).
CREATE OR REPLACE FUNCTION sms_in_set_texts(p_ids bigint[], p_texts text[]) RETURNS void
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
AS $$
BEGIN
    UPDATE sms_in s SET text = u.text
      FROM unnest(p_ids, p_texts) AS u(id, text)
     WHERE s.id = u.id;
END;
$$;
