-- Pieces of the operators' status (store_status.c) that its two statements share or that would
-- make them too long to read.

-- The newest part this daemon's modem refused (a +CMS ERROR, or the network's refusal), which
-- status shows as the last send error with its time.
CREATE OR REPLACE FUNCTION last_refused_send(p_instance text, OUT error text,
                                             OUT at timestamptz)
LANGUAGE sql STABLE AS $$
    SELECT p.error, p.updated_at FROM outbox_part p
     WHERE p.instance = p_instance AND p.status = 'failed'
     ORDER BY p.updated_at DESC LIMIT 1;
$$;

-- The lines under a modem's row in the text status, from its entry in the status document:
-- stopped or running since when (the counters count from then), the last error and the last
-- refused send with their times, the prepaid credit. Each line starts with a newline.
CREATE OR REPLACE FUNCTION modem_status_notes(e jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN e->>'state' = 'stopped'
                THEN format(E'\n%16s stopped at %s', '', e->>'stopped_at')
                ELSE format(E'\n%16s started at %s (the counters count from then);'
                            ' modem last answered at %s', '', e->>'counters_since',
                            coalesce(e->>'modem_status_at', 'never')) END
        || CASE WHEN e->>'last_error' IS NOT NULL
                THEN format(E'\n%16s last error at %s: %s', '', e->>'last_error_at',
                            e->>'last_error') ELSE '' END
        || CASE WHEN e->>'last_send_error' IS NOT NULL
                THEN format(E'\n%16s last refused send at %s: %s', '',
                            e->>'last_send_error_at', e->>'last_send_error') ELSE '' END
        || CASE WHEN e->>'balance' IS NOT NULL
                THEN format(E'\n%16s credit: %s%s (checked %s s ago: %s)', '', e->>'balance',
                            CASE WHEN (e->>'balance_low')::boolean THEN ' LOW' ELSE '' END,
                            e->>'balance_age_s', e->>'balance_text')
                ELSE '' END
        || CASE WHEN e->>'balance_error' IS NOT NULL
                THEN format(E'\n%16s credit: %s', '', e->>'balance_error') ELSE '' END;
$$;

-- The metric families of lapor-smsctl metrics that tell each daemon's state, its network and its
-- prepaid credit, as rows of the metrics report's family table (store_status.c): order, name,
-- type, help, samples. p_stale: the heartbeat age after which a daemon counts as down.
CREATE OR REPLACE FUNCTION status_metric_families(p_stale int)
RETURNS TABLE (ord int, name text, type text, help text, samples text)
LANGUAGE sql STABLE AS $$
    WITH hb AS (SELECT h.*, stopped_at IS NULL AND beat_at > now() - make_interval(secs => p_stale)
                       AS alive,
                       extract(epoch FROM now() - balance_at) AS balance_age
                  FROM heartbeat h)
    SELECT 20, 'lapor_daemon_up', 'gauge',
           'Whether the daemon runs: its heartbeat is fresh and it did not stop.',
           (SELECT string_agg(format('lapor_daemon_up{modem="%s"} %s', instance,
                                     CASE WHEN alive THEN 1 ELSE 0 END), E'\n') FROM hb)
    UNION ALL
    SELECT 21, 'lapor_daemon_stopped', 'gauge', 'Whether the daemon stopped cleanly.',
           (SELECT string_agg(format('lapor_daemon_stopped{modem="%s"} %s', instance,
                                     CASE WHEN stopped_at IS NOT NULL THEN 1 ELSE 0 END), E'\n')
              FROM hb)
    UNION ALL
    SELECT 27, 'lapor_daemon_start_time_seconds', 'gauge',
           'When the daemon started, in seconds since the epoch: its _total counters count from'
           ' then.',
           (SELECT string_agg(format('lapor_daemon_start_time_seconds{modem="%s"} %s', instance,
                                     extract(epoch FROM started_at)::bigint), E'\n') FROM hb)
    UNION ALL
    SELECT 22, 'lapor_modem_registered', 'gauge',
           'Whether the modem is registered with a network (home or roaming).',
           (SELECT string_agg(format('lapor_modem_registered{modem="%s"} %s', instance,
                                     CASE WHEN registration IN ('home', 'roaming') THEN 1 ELSE 0
                                     END), E'\n') FROM hb WHERE alive AND registration IS NOT NULL)
    UNION ALL
    SELECT 23, 'lapor_credit_balance', 'gauge',
           'Prepaid credit as the last USSD balance check found it.',
           (SELECT string_agg(format('lapor_credit_balance{modem="%s"} %s', instance, balance),
                              E'\n') FROM hb WHERE balance IS NOT NULL)
    UNION ALL
    SELECT 24, 'lapor_credit_age_seconds', 'gauge', 'Seconds since the credit was last checked.',
           (SELECT string_agg(format('lapor_credit_age_seconds{modem="%s"} %s', instance,
                                     round(balance_age::numeric, 3)), E'\n')
              FROM hb WHERE balance IS NOT NULL)
    UNION ALL
    SELECT 25, 'lapor_credit_low', 'gauge',
           'Whether the credit is under the daemon''s credit.threshold.',
           (SELECT string_agg(format('lapor_credit_low{modem="%s"} %s', instance,
                                     CASE WHEN balance_low THEN 1 ELSE 0 END), E'\n')
              FROM hb WHERE balance IS NOT NULL)
    UNION ALL
    SELECT 26, 'lapor_outbox_retrying_messages', 'gauge',
           'Queued replies that were refused and wait for their retry.',
           (SELECT format('lapor_outbox_retrying_messages %s', count(*)) FROM outbox
             WHERE status = 'queued' AND attempts > 0);
$$;

-- The database's part of the status document: whether a synchronous standby confirms each
-- commit (without one, a failover may lose what the last commits wrote, parts deleted from the
-- SIM among them). NULL when this role may not read the replication state.
CREATE OR REPLACE FUNCTION status_database() RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('synchronous_standby',
        CASE WHEN current_setting('synchronous_standby_names') = ''
                  OR current_setting('synchronous_commit') IN ('off', 'local') THEN false
             ELSE (SELECT bool_or(sync_state IN ('sync', 'quorum')) FROM pg_stat_replication)
        END);
$$;

-- The queues' part of the status document: messages waiting for parts, replies by state (kept
-- counts: repeatable/22_tally.sql), webhook events, today's figures.
CREATE OR REPLACE FUNCTION status_queues() RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'parts_waiting', (SELECT count(*) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
                           WHERE m.state = 'open'),
        'messages_open', (SELECT count(*) FROM sms_in WHERE state = 'open'),
        'oldest_open_age_s', (SELECT round(extract(epoch FROM now() - min(first_received_at))
                                           ::numeric, 1) FROM sms_in WHERE state = 'open'),
        'replies', json_build_object(
            'queued', tally_of('outbox:queued'), 'sending', tally_of('outbox:sending'),
            'sent', tally_of('outbox:sent'), 'failed', tally_of('outbox:failed'),
            'retrying', (SELECT count(*) FROM outbox WHERE status = 'queued' AND attempts > 0),
            'unknown', tally_of('outbox:unknown'), 'cancelled', tally_of('outbox:cancelled')),
        'oldest_queued_age_s', (SELECT round(extract(epoch FROM now() - min(created_at))
                                             ::numeric, 1) FROM outbox WHERE status = 'queued'),
        'webhooks', (SELECT json_build_object(
            'queued', count(*) FILTER (WHERE status = 'queued'),
            'sending', count(*) FILTER (WHERE status = 'sending'),
            'failed', count(*) FILTER (WHERE status = 'failed'),
            'delivered_today', count(*) FILTER (WHERE status = 'delivered'
                                                 AND delivered_at >= date_trunc('day', now())))
            FROM webhook_event),
        'undecodable_messages', (SELECT count(*) FROM sms_in WHERE kind = 'undecodable'),
        'complaints_today', tally_of('complaint@' || current_date),
        'received_today', tally_of('sms_in@' || current_date),
        'sent_today', tally_of('outbox:sent@' || current_date),
        'delivery_reports_today', (SELECT json_build_object(
            'delivered', count(*) FILTER (WHERE delivery = 'delivered'),
            'failed', count(*) FILTER (WHERE delivery = 'failed'),
            'expired', count(*) FILTER (WHERE delivery = 'expired'),
            'pending', count(*) FILTER (WHERE delivery = 'pending'))
            FROM outbox_part WHERE delivery_at >= date_trunc('day', now())));
$$;
