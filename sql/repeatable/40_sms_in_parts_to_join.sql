-- The parts the texts of messages p_ids are made of, for the daemon to join: each message's parts
-- in part-number order, a repeated part number counting once (its first stored copy), with the
-- raw bytes that hold a text part's UTF-16 units. Joining happens at the level of septets and
-- UTF-16 units (modem_decode_join() in daemon/modem_decode.c), where a character cut by a part
-- boundary is whole again; store_intake.c writes the text back in the same transaction. By the
-- index sms_part_in.
CREATE OR REPLACE FUNCTION sms_in_parts_to_join(p_ids bigint[])
RETURNS TABLE (msg_id bigint, seq integer, coding text, raw_hex text, text text)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (q.sms_in_id, q.concat_seq)
           q.sms_in_id, q.concat_seq, q.coding, encode(q.raw, 'hex'), q.text
      FROM sms_part q
     WHERE q.sms_in_id = ANY (p_ids)
     ORDER BY q.sms_in_id, q.concat_seq, q.id;
$$;
