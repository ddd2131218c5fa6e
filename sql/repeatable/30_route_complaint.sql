-- Routes a complaint to an agency, records who did it and why, and tells listeners on channel
-- 'lapor_ticket' (delivered at commit; the payload never carries the citizen's number).
CREATE OR REPLACE FUNCTION route_complaint(p_id bigint, p_agency integer, p_actor text,
                                           p_reason text)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_code text;
BEGIN
    SELECT code INTO STRICT v_code FROM agency WHERE id = p_agency;
    UPDATE complaint
       SET agency_id = p_agency, status = 'diteruskan', routed_at = now(), updated_at = now()
     WHERE id = p_id;
    INSERT INTO complaint_event (complaint_id, actor, kind, detail)
    VALUES (p_id, p_actor, 'routed', v_code || coalesce(': ' || p_reason, ''));
    PERFORM pg_notify('lapor_ticket',
                      json_build_object('event', 'routed', 'ticket', ticket_of(p_id),
                                        'agency', v_code)::text);
END;
$$;
