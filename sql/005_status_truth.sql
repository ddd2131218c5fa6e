-- What status needs to tell the truth about a daemon and its modem.
--   registration      the modem's network registration as it last said (modem.h names the
--                     values); NULL when not known
--   modem_status_at   when the modem last answered about itself: its figures are as of then
--   stopped_at        set by a daemon that stopped cleanly, cleared when it starts again; a row
--                     whose beat is old without it belongs to a daemon that died or hangs
--   balance...        the prepaid credit as the last USSD balance check found it
ALTER TABLE heartbeat
    ADD COLUMN registration    text,
    ADD COLUMN modem_status_at timestamptz,
    ADD COLUMN stopped_at      timestamptz,
    ADD COLUMN balance         numeric,
    ADD COLUMN balance_text    text,
    ADD COLUMN balance_at      timestamptz,
    ADD COLUMN balance_error   text,
    ADD COLUMN balance_low     boolean;

-- The parts a modem refused, newest first per modem, for status's last send error.
CREATE INDEX outbox_part_refused ON outbox_part (instance, updated_at) WHERE status = 'failed';
