-- The outbox's two writes that carry parts' outcomes: a part begun (with the outcome of the one
-- before it) and a batch concluded. Both find their rows by primary key whatever the tables hold:
-- a daemon's session may start on an empty database, and a join planned for the session then
-- would read the whole of outbox_part for every part it sends.

-- Writes down the outcomes of parts (p_ids[i], p_seqs[i]): status, the modem's reference, error.
-- A part at a time by its key: there are seldom more than a few.
CREATE OR REPLACE FUNCTION outbox_record_parts(p_ids bigint[], p_seqs integer[],
                                               p_statuses text[], p_refs integer[],
                                               p_errors text[])
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    FOR i IN 1 .. coalesce(cardinality(p_ids), 0) LOOP
        UPDATE outbox_part
           SET status = p_statuses[i], msg_ref = p_refs[i], error = p_errors[i], updated_at = now()
         WHERE outbox_id = p_ids[i] AND seq = p_seqs[i];
    END LOOP;
END;
$$;

-- Records the outcomes given, then part p_seq of reply p_id (of p_parts parts) as handed to the
-- modem by p_instance. Only while the lease is p_owner's: a daemon that lost its claim must not
-- send. A part already under way, sent or unknown is not begun again; one that failed may be.
-- The reply's number of parts is kept, so that a delivery report can tell when an unknown reply
-- has arrived whole. True when the part was begun.
CREATE OR REPLACE FUNCTION outbox_part_begin(p_ids bigint[], p_seqs integer[],
                                             p_statuses text[], p_refs integer[],
                                             p_errors text[], p_id bigint, p_seq integer,
                                             p_owner text, p_instance text, p_parts integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
    PERFORM outbox_record_parts(p_ids, p_seqs, p_statuses, p_refs, p_errors);
    UPDATE outbox SET parts = p_parts
     WHERE id = p_id AND status = 'sending' AND lease_owner = p_owner
       AND parts IS DISTINCT FROM p_parts;
    INSERT INTO outbox_part (outbox_id, seq, status, instance)
    SELECT o.id, p_seq, 'sending', p_instance FROM outbox o
     WHERE o.id = p_id AND o.status = 'sending' AND o.lease_owner = p_owner
        ON CONFLICT (outbox_id, seq) DO UPDATE
       SET status = 'sending', instance = EXCLUDED.instance, error = NULL, updated_at = now()
     WHERE outbox_part.status = 'failed';
    RETURN FOUND;
END;
$$;

-- Records the outcomes given and ends each reply's claim (p_reply_ids[i] and the rest), while the
-- lease is p_owner's: 'sent'; 'retry' (queued again after its delay, or 'failed' once its attempts
-- reached the maximum); 'unknown' (never sent again by itself); 'release' (not started: queued
-- again, the attempt not counted).
CREATE OR REPLACE FUNCTION outbox_conclude(p_ids bigint[], p_seqs integer[],
                                           p_statuses text[], p_refs integer[],
                                           p_errors text[], p_reply_ids bigint[],
                                           p_ends text[], p_parts integer[],
                                           p_delays integer[], p_max_attempts integer[],
                                           p_reply_errors text[], p_owner text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET enable_seqscan = off
AS $$
BEGIN
    PERFORM outbox_record_parts(p_ids, p_seqs, p_statuses, p_refs, p_errors);
    UPDATE outbox o
       SET parts = CASE f.end_name WHEN 'release' THEN o.parts ELSE f.parts END,
           last_error = CASE f.end_name WHEN 'release' THEN o.last_error ELSE f.error END,
           lease_owner = NULL, lease_until = NULL,
           status = CASE f.end_name WHEN 'sent' THEN 'sent' WHEN 'unknown' THEN 'unknown'
                                    WHEN 'release' THEN 'queued'
                    ELSE CASE WHEN o.attempts >= f.max_attempts THEN 'failed' ELSE 'queued' END
                    END,
           attempts = CASE f.end_name WHEN 'release' THEN o.attempts - 1 ELSE o.attempts END,
           sent_at = CASE f.end_name WHEN 'sent' THEN now() END,
           next_attempt_at = CASE f.end_name WHEN 'retry'
                             THEN now() + make_interval(secs => f.delay)
                             ELSE o.next_attempt_at END
      FROM unnest(p_reply_ids, p_ends, p_parts, p_delays, p_max_attempts, p_reply_errors)
           AS f(id, end_name, parts, delay, max_attempts, error)
     WHERE o.id = f.id AND o.status = 'sending' AND o.lease_owner = p_owner;
END;
$$;
