-- The intake's one way into the database: a batch of parts read from a modem, and complaints of
-- messages stored before, in the caller's transaction. A batch of one is a batch.
--
-- Parts (p_*, one array element each): stored and joined to their messages exactly as storing
-- them one by one in the order given would (lapor_place_parts(): whole groups at once where that
-- ends the same, the rest one by one, in order). A single SMS may carry its complaint (p_body
-- not NULL: its text less any routing keyword, with p_confidential, p_keyword, p_replyable),
-- taken in with it when the part is new; its sender must have no other part or complaint in
-- the call. Complaints (c_*): messages stored before (by an earlier call, or closed by the
-- timeout: c_incomplete), each as lapor_take_complaints() takes it, c_pending its replies queued
-- and not yet written. All complaints of one call have different senders.
--
-- Returns one row per part (ord 1..n) and then one per complaint (ord n+1..): the part's
-- outcome (see lapor_place_parts(); NULL for a complaint), its message, a single SMS's text,
-- whether it is complete, and for a complaint taken in: its ticket, whether it was resent, the
-- agency its keyword routes to (0: none), whether one more reply fits the sender's budget. Then,
-- outcome 'piece', the parts of every message a part completed or joined late, as
-- sms_in_parts_to_join() gives them (msg_id, msg_text and the piece_* columns), for the caller
-- to join without another round trip. Byte strings come as lowercase hex, SMSC times as seconds
-- since 1970; windows in seconds.
CREATE OR REPLACE FUNCTION intake_batch(
    p_instance text, p_actor text, p_join_window integer, p_resend_window integer,
    p_budget integer, p_budget_window integer,
    p_sender text[], p_sender_raw text[], p_smsc text[], p_smsc_time double precision[],
    p_coding text[], p_class smallint[], p_kind text[], p_udh_hex text[], p_raw_hex text[],
    p_text text[], p_ref integer[], p_total integer[], p_seq integer[], p_body text[],
    p_confidential boolean[], p_keyword text[], p_replyable boolean[],
    c_msg_id bigint[], c_sender text[], c_text text[], c_incomplete boolean[],
    c_confidential boolean[], c_keyword text[], c_replyable boolean[], c_pending integer[])
RETURNS TABLE (ord integer, outcome text, msg_id bigint, msg_text text, msg_complete boolean,
               complaint_id bigint, resent boolean, agency_id integer, within boolean,
               piece_seq integer, piece_coding text, piece_raw_hex text)
LANGUAGE plpgsql VOLATILE
-- PL/pgSQL plans each statement once per session and may keep a generic plan for good; the
-- daemon's session often starts on an empty database, where a sequential scan looks cheapest,
-- and the plan would then read whole tables for every part once they are full. Every statement
-- here and in the helpers it calls (planned under this setting) has an index made for it.
SET enable_seqscan = off
AS $$
DECLARE
    n          integer := coalesce(array_length(p_sender, 1), 0);
    v_outcome  text[];
    v_msg      bigint[];
    v_text     text[];
    v_complete boolean[];
    one        record;
    -- The complaints to take: their rows' ords, what each is, and what became of it.
    v_asked          integer[];
    v_c_msg          bigint[];
    v_c_sender       text[];
    v_c_text         text[];
    v_c_incomplete   boolean[];
    v_c_confidential boolean[];
    v_c_keyword      text[];
    v_c_replyable    boolean[];
    v_c_pending      integer[];
    v_cid            bigint[];
    v_resent         boolean[];
    v_agency         integer[];
    v_within         boolean[];
    v_closed         bigint[];
BEGIN
    -- The parts of one sender and reference are serialised, all locks taken first, in one order.
    IF 1 < ANY (p_total) THEN
        PERFORM pg_advisory_xact_lock(l.h, l.ref)
           FROM (SELECT DISTINCT hashtext(u.sender) AS h, u.ref
                   FROM unnest(p_sender, p_ref, p_total) AS u(sender, ref, total)
                  WHERE u.total > 1) l
          ORDER BY l.h, l.ref;
    END IF;

    -- Every number the rest of the transaction may lock (a complaint's resend window, a reply's
    -- budget, for the batch's complaints and commands) is locked now, after the joins' locks and
    -- in the order lapor_take_complaints() takes them: a later lock of one of these numbers is
    -- one the transaction holds already, so two daemons never wait for each other in a circle.
    IF n > 0 AND p_resend_window > 0 THEN
        PERFORM lapor_lock_numbers('resend:', p_sender);
    END IF;
    IF n > 0 THEN
        PERFORM lapor_lock_numbers('budget:', p_sender);
    END IF;

    -- A call with complaints alone (those of messages a poll completed) has no part to place.
    IF n > 0 THEN
        SELECT array_agg(r.outcome ORDER BY r.ord), array_agg(r.msg_id ORDER BY r.ord),
               array_agg(r.msg_text ORDER BY r.ord), array_agg(r.msg_complete ORDER BY r.ord)
          INTO v_outcome, v_msg, v_text, v_complete
          FROM lapor_place_parts(p_instance, p_join_window, p_sender, p_sender_raw, p_smsc,
                                 p_smsc_time, p_coding, p_class, p_kind, p_udh_hex, p_raw_hex,
                                 p_text, p_ref, p_total, p_seq) r;
        -- What could not be placed at once, one part at a time, in order.
        FOR i IN 1 .. n LOOP
            CONTINUE WHEN v_outcome[i] IS NOT NULL;
            SELECT r.* INTO one
              FROM lapor_place_parts(p_instance, p_join_window, ARRAY[p_sender[i]],
                                     ARRAY[p_sender_raw[i]], ARRAY[p_smsc[i]],
                                     ARRAY[p_smsc_time[i]], ARRAY[p_coding[i]], ARRAY[p_class[i]],
                                     ARRAY[p_kind[i]], ARRAY[p_udh_hex[i]], ARRAY[p_raw_hex[i]],
                                     ARRAY[p_text[i]], ARRAY[p_ref[i]], ARRAY[p_total[i]],
                                     ARRAY[p_seq[i]]) r;
            v_outcome[i] := one.outcome;
            v_msg[i] := one.msg_id;
            v_text[i] := one.msg_text;
            v_complete[i] := one.msg_complete;
        END LOOP;
    END IF;

    -- The complaints: those the new single SMS carry, then those given.
    WITH asked AS (
        SELECT u.ord::integer AS ord, u.msg, u.sender, u.body AS text, false AS incomplete,
               u.confidential, u.keyword, u.replyable, 0 AS pending
          FROM unnest(v_outcome, v_msg, p_sender, p_body, p_confidential, p_keyword,
                      p_replyable) WITH ORDINALITY
               AS u(outcome, msg, sender, body, confidential, keyword, replyable, ord)
         WHERE u.body IS NOT NULL AND u.outcome = 'single'
        UNION ALL
        SELECT n + u.ord::integer, u.msg, u.sender, u.text, u.incomplete, u.confidential,
               u.keyword, u.replyable, u.pending
          FROM unnest(c_msg_id, c_sender, c_text, c_incomplete, c_confidential, c_keyword,
                      c_replyable, c_pending) WITH ORDINALITY
               AS u(msg, sender, text, incomplete, confidential, keyword, replyable, pending,
                    ord))
    SELECT array_agg(a.ord ORDER BY a.ord), array_agg(a.msg ORDER BY a.ord),
           array_agg(a.sender ORDER BY a.ord), array_agg(a.text ORDER BY a.ord),
           array_agg(a.incomplete ORDER BY a.ord), array_agg(a.confidential ORDER BY a.ord),
           array_agg(a.keyword ORDER BY a.ord), array_agg(a.replyable ORDER BY a.ord),
           array_agg(a.pending ORDER BY a.ord)
      INTO v_asked, v_c_msg, v_c_sender, v_c_text, v_c_incomplete, v_c_confidential,
           v_c_keyword, v_c_replyable, v_c_pending
      FROM asked a;
    IF v_asked IS NOT NULL THEN
        SELECT array_agg(t.complaint_id ORDER BY t.ord), array_agg(t.resent ORDER BY t.ord),
               array_agg(t.agency_id ORDER BY t.ord), array_agg(t.within ORDER BY t.ord)
          INTO v_cid, v_resent, v_agency, v_within
          FROM lapor_take_complaints(p_actor, p_resend_window, p_budget, p_budget_window,
                                     v_c_msg, v_c_sender, v_c_text, v_c_incomplete,
                                     v_c_confidential, v_c_keyword, v_c_replyable,
                                     v_c_pending) t;
    END IF;

    RETURN QUERY
    SELECT a.ord::integer, v_outcome[a.ord], coalesce(v_msg[a.ord], c_msg_id[a.ord - n]),
           v_text[a.ord], v_complete[a.ord], t.cid, t.resent, t.agency, t.within,
           NULL::integer, NULL::text, NULL::text
      FROM generate_series(1, n + coalesce(array_length(c_msg_id, 1), 0)) AS a(ord)
      LEFT JOIN unnest(v_asked, v_cid, v_resent, v_agency, v_within)
                AS t(ord, cid, resent, agency, within) ON t.ord = a.ord
     ORDER BY a.ord;

    v_closed := ARRAY(SELECT DISTINCT u.msg FROM unnest(v_outcome, v_msg) AS u(outcome, msg)
                       WHERE u.outcome IN ('complete', 'late'));
    IF v_closed <> '{}' THEN
        RETURN QUERY
        SELECT (n + coalesce(array_length(c_msg_id, 1), 0)
                + row_number() OVER (ORDER BY j.msg_id, j.seq))::integer,
               'piece'::text, j.msg_id, j.text, NULL::boolean, NULL::bigint, NULL::boolean,
               NULL::integer, NULL::boolean, j.seq, j.coding, j.raw_hex
          FROM sms_in_parts_to_join(v_closed) j
         ORDER BY j.msg_id, j.seq;
    END IF;
END;
$$;
