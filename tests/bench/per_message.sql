-- per_message.sql: pgbench script (pgbench -M prepared -f per_message.sql) that runs, in one
-- transaction, the statements lapor-smsd runs for one incoming single-SMS complaint, in the
-- daemon's order and with its texts (daemon/store.c; the functions are in sql/001_initial.sql and
-- sql/008_intake_complaint.sql):
--   store_part_add            intake_part(...)
--   store_complaint_intake    intake_complaint(...): the resend-window lock and lookup, the
--                             complaint with its first event and the note on its message, the
--                             reply-budget lock and count
--   store_outbox_add_many     the reply's outbox row (the daemon writes a batch's replies in
--                             one such statement; here the batch is this one message)
-- The daemon prepares each statement once per connection (PQprepare, PQexecPrepared), hence
-- -M prepared. Its own transactions carry up to batch_size (50) parts; this one carries one, which
-- makes it the database's limit for a daemon that commits every message.
-- Each transaction is a new sender (a random number), so that no idempotency key repeats and the
-- budget never runs out, as in the benchmark's message mix.
\set r random(100000000, 999999999999)
BEGIN;
SELECT outcome, msg_id, msg_text, msg_complete FROM intake_part('bench', '+62' || :r::bigint, '+62' || :r::bigint, '+6281100000', to_timestamp(extract(epoch FROM now())::double precision), 'gsm7', NULL::smallint, 'text', NULL::int, NULL::int, NULL::int, ''::bytea, decode(repeat('0041', 140), 'hex'), 'Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint, make_interval(secs => 3600)) \gset
SELECT complaint_id, resent, agency_id, within FROM intake_complaint(:msg_id::bigint, '+62' || :r::bigint, 'Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint, false, false, 'JALAN', 'daemon:' || 'bench', 600, true, 5, 3600, 0) \gset
INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text, via_instance) SELECT u.complaint_id, u.sms_in_id, u.kind, u.destination, u.text, 'bench' FROM unnest(ARRAY[:complaint_id::bigint], ARRAY[:msg_id::bigint], ARRAY['received'], ARRAY['+62' || :r::bigint], ARRAY['LAPOR! Terima kasih, laporan Anda diterima. No tiket #' || :complaint_id::bigint || '. Cek status: ketik CEK ' || :complaint_id::bigint || ' kirim ke 1708']) AS u(complaint_id, sms_in_id, kind, destination, text) ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING;
COMMIT;
