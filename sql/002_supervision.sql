-- lapor-smsd schema version 2: the daemons' heartbeats, and messages kept raw because they could
-- not be decoded (taken off the modem without libGammu's decoder).

ALTER TABLE sms_in DROP CONSTRAINT sms_in_kind_check;
ALTER TABLE sms_in ADD CONSTRAINT sms_in_kind_check
    CHECK (kind IN ('text', 'flash', 'binary', 'status_report', 'undecodable'));

-- One row per daemon (instance), rewritten every few seconds. A row whose beat_at is old belongs
-- to a daemon that is down or hung.
CREATE TABLE heartbeat (
    instance          text PRIMARY KEY,
    host              text NOT NULL,
    pid               integer NOT NULL,
    started_at        timestamptz NOT NULL,
    beat_at           timestamptz NOT NULL DEFAULT now(),
    modem_state       text NOT NULL,
    modem_connected   boolean NOT NULL,
    worker_pid        integer,
    worker_starts     integer NOT NULL DEFAULT 0,
    worker_deaths     integer NOT NULL DEFAULT 0,
    last_worker_death text,
    undecodable_taken integer NOT NULL DEFAULT 0,
    last_error        text,
    last_error_at     timestamptz,
    last_receive_at   timestamptz,
    last_send_at      timestamptz,
    imei              text,
    imsi              text,
    network           text,
    signal_percent    integer,
    battery_percent   integer,
    sim_used          integer,
    sim_total         integer
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_daemon') THEN
        GRANT SELECT, INSERT, UPDATE ON heartbeat TO lapor_daemon;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lapor_reader') THEN
        GRANT SELECT ON heartbeat TO lapor_reader;
    END IF;
END;
$$;
