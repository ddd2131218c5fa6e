-- A citizen's number as agencies' systems see it: the operator's prefix and the last three
-- digits, the middle hidden by a mask of fixed width (as the daemon's log shows numbers, log.c).
CREATE OR REPLACE FUNCTION lapor_masked_number(p_number text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT CASE WHEN length(p_number) >= 10 THEN left(p_number, 6) || '****' || right(p_number, 3)
                WHEN length(p_number) > 2 THEN left(p_number, 2) || '****'
                ELSE p_number END;
$$;

-- The webhook event of a change to a routed ticket: its routing, a status change, a follow-up
-- (an agency's TL or SELESAI), a citizen's added information, or a late part of the citizen's
-- message that changed the complaint's text. Queued by the trigger below, in
-- the transaction that recorded the change; nothing when the ticket's agency has no webhook.
CREATE OR REPLACE FUNCTION lapor_webhook_queue() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    c       complaint%ROWTYPE;
    v_code  text;
    v_event uuid := gen_random_uuid();
BEGIN
    IF NEW.kind NOT IN ('routed', 'status', 'followup', 'closed', 'info_added', 'part_added') THEN
        RETURN NULL;
    END IF;
    -- The ticket's row lock orders its events: a change made meanwhile by another transaction
    -- waits, and its event takes a later id.
    SELECT * INTO c FROM complaint WHERE id = NEW.complaint_id FOR UPDATE;
    SELECT a.code INTO v_code
      FROM agency a JOIN agency_webhook w ON w.agency_id = a.id
     WHERE a.id = c.agency_id;
    IF v_code IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO webhook_event (event_id, agency_id, complaint_id, kind, payload)
    VALUES (v_event, c.agency_id, c.id, NEW.kind, json_build_object(
        'event_id', v_event,
        'type', NEW.kind,
        'ticket', ticket_of(c.id)::text,
        'agency', v_code,
        'status', c.status,
        'text', c.text,
        'detail', NEW.detail,
        'by', split_part(NEW.actor, ':', 1),
        'confidential', c.confidential,
        'sender', CASE WHEN c.confidential THEN NULL ELSE lapor_masked_number(c.sender) END,
        'occurred_at', NEW.at,
        'created_at', c.created_at,
        'routed_at', c.routed_at,
        'first_followup_at', c.first_followup_at,
        'closed_at', c.closed_at)::text);
    RETURN NULL;
END;
$$;

-- The kinds are named here too, so that intake's many 'created' events call no function.
CREATE OR REPLACE TRIGGER complaint_event_webhook AFTER INSERT ON complaint_event
    FOR EACH ROW
    WHEN (NEW.kind IN ('routed', 'status', 'followup', 'closed', 'info_added', 'part_added'))
    EXECUTE FUNCTION lapor_webhook_queue();

-- Claims up to p_limit events that are due for p_owner, for p_lease seconds. Each agency that is
-- not in back-off offers its own oldest due events, as many as it has free of p_per_agency
-- slots (its requests in flight count), so that a slow agency with a long queue neither takes
-- every slot nor hides other agencies' events behind its own; of those, the oldest are taken.
-- No event is offered while an earlier event of its ticket is undelivered, so each ticket's
-- events go in order. An event whose lease ran out (its sender died) is due again. Senders of
-- other daemons claiming at the same moment pass over the agencies this one is claiming for
-- (an advisory lock per agency until commit), so that the slots hold across all daemons.
CREATE OR REPLACE FUNCTION lapor_webhook_claim(p_owner text, p_limit integer,
                                               p_per_agency integer, p_lease integer)
RETURNS TABLE (id bigint, event_id uuid, agency_id integer, url text, secret text,
               allow_http boolean, payload text, attempts integer)
LANGUAGE sql VOLATILE AS $$
    WITH slots AS (
        SELECT w.agency_id,
               p_per_agency - (SELECT count(*) FROM webhook_event f
                                WHERE f.agency_id = w.agency_id AND f.status = 'sending'
                                  AND f.lease_until >= now()) AS free
          FROM agency_webhook w
         WHERE (w.backoff_until IS NULL OR w.backoff_until <= now())
           AND pg_try_advisory_xact_lock(hashtext('lapor_webhook_claim'), w.agency_id)),
    offered AS (
        SELECT d.id
          FROM slots s
         CROSS JOIN LATERAL (
               SELECT e.id
                 FROM webhook_event e
                WHERE e.agency_id = s.agency_id
                  AND e.status IN ('queued', 'sending')
                  AND (e.status = 'queued' AND e.next_attempt_at <= now()
                       OR e.status = 'sending' AND e.lease_until < now())
                  AND NOT EXISTS (SELECT 1 FROM webhook_event p
                                   WHERE p.complaint_id = e.complaint_id
                                     AND p.agency_id = e.agency_id AND p.id < e.id
                                     AND p.status IN ('queued', 'sending', 'failed'))
                ORDER BY e.id
                LIMIT greatest(s.free, 0)
                  FOR UPDATE OF e SKIP LOCKED) d
         ORDER BY d.id
         LIMIT p_limit),
    claimed AS (
        UPDATE webhook_event e
           SET status = 'sending', lease_owner = p_owner,
               lease_until = now() + make_interval(secs => p_lease), attempts = e.attempts + 1
          FROM offered o
         WHERE e.id = o.id
        RETURNING e.id, e.event_id, e.agency_id, e.payload, e.attempts)
    SELECT c.id, c.event_id, c.agency_id, w.url, w.secret, w.allow_http, c.payload, c.attempts
      FROM claimed c JOIN agency_webhook w ON w.agency_id = c.agency_id
     ORDER BY c.id;
$$;

-- Records the outcome of one delivery by p_owner: delivered, or tried again after a delay that
-- doubles with each attempt (from p_first_delay up to p_max_delay seconds) until p_max_attempts,
-- then failed, waiting for an operator. A delivered event keeps its lease owner: the sender
-- that delivered it. A failure puts the agency in back-off for the same
-- delay; a delivery ends its back-off. Nothing changes when the lease was lost meanwhile (the
-- event was cancelled, or another sender took it over).
CREATE OR REPLACE FUNCTION lapor_webhook_done(p_id bigint, p_owner text, p_ok boolean,
                                              p_code integer, p_error text,
                                              p_max_attempts integer, p_first_delay integer,
                                              p_max_delay integer)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    v_agency   integer;
    v_attempts integer;
    v_delay    double precision;
BEGIN
    SELECT e.agency_id, e.attempts INTO v_agency, v_attempts
      FROM webhook_event e
     WHERE e.id = p_id AND e.status = 'sending' AND e.lease_owner = p_owner
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF p_ok THEN
        UPDATE webhook_event
           SET status = 'delivered', delivered_at = now(), last_code = p_code, last_error = NULL,
               lease_until = NULL
         WHERE id = p_id;
        UPDATE agency_webhook
           SET failures = 0, backoff_until = NULL, last_error = NULL
         WHERE agency_id = v_agency AND failures > 0;
        RETURN true;
    END IF;
    v_delay := least(p_first_delay * power(2, least(v_attempts - 1, 30)), p_max_delay);
    UPDATE webhook_event
       SET status = CASE WHEN v_attempts >= p_max_attempts THEN 'failed' ELSE 'queued' END,
           next_attempt_at = now() + make_interval(secs => v_delay),
           last_code = p_code, last_error = p_error, lease_owner = NULL, lease_until = NULL
     WHERE id = p_id;
    UPDATE agency_webhook
       SET failures = failures + 1, last_error = p_error,
           backoff_until = now() + make_interval(secs => least(
               p_first_delay * power(2, least(failures, 30)), p_max_delay))
     WHERE agency_id = v_agency;
    RETURN true;
END;
$$;
