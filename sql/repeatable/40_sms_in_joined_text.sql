-- The text of a message: its parts in order; a repeated part number counts once.
CREATE OR REPLACE FUNCTION sms_in_joined_text(p_id bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce(string_agg(t.text, '' ORDER BY t.concat_seq), '')
      FROM (SELECT DISTINCT ON (q.concat_seq) q.concat_seq, q.text
              FROM sms_part q
             WHERE q.sms_in_id = p_id
             ORDER BY q.concat_seq, q.id) t;
$$;
