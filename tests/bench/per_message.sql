-- per_message.sql: pgbench script (pgbench -M prepared -f per_message.sql) that runs, in one
-- transaction, the statements lapor-smsd runs for one incoming single-SMS complaint, in the
-- daemon's order and with its texts (daemon/store.c; the function is in
-- sql/repeatable/60_intake_batch.sql):
--   store_intake              intake_batch(...): the part and its message, the resend-window
--                             lock and lookup, the complaint with its first event, the
--                             reply-budget lock and count, for all of a batch's parts in one call
--                             (here the batch is this one message)
--   store_outbox_add_many     the reply's outbox row (the daemon writes a batch's replies in
--                             one such statement; here, again, the batch is this one message)
-- The daemon prepares each statement once per connection (PQprepare, PQexecPrepared), hence
-- -M prepared. Its own transactions carry up to batch_size (50) parts; this one carries one, which
-- makes it the database's limit for a daemon that commits every message.
-- Each transaction is a new sender (a random number), so that no idempotency key repeats and the
-- budget never runs out, as in the benchmark's message mix.
\set r random(100000000, 999999999999)
BEGIN;
SELECT ord, outcome, msg_id, complaint_id, resent, agency_id, within FROM intake_batch('bench', 'daemon-' || 'bench', 3600, 600, 5, 3600, ARRAY['+62' || :r::bigint], ARRAY['+62' || :r::bigint], ARRAY['+6281100000'], ARRAY[extract(epoch FROM now())::double precision], ARRAY['gsm7'], ARRAY[NULL]::smallint[], ARRAY['text'], ARRAY[''], ARRAY[repeat('0041', 140)], ARRAY['Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint], ARRAY[NULL]::int[], ARRAY[NULL]::int[], ARRAY[NULL]::int[], ARRAY['Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint], ARRAY[false], ARRAY['JALAN'], ARRAY[true], ARRAY[]::bigint[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::boolean[], ARRAY[]::boolean[], ARRAY[]::text[], ARRAY[]::boolean[], ARRAY[]::int[]) \gset
INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text, via_instance) SELECT u.complaint_id, u.sms_in_id, u.kind, u.destination, u.text, 'bench' FROM unnest(ARRAY[:complaint_id::bigint], ARRAY[:msg_id::bigint], ARRAY['received'], ARRAY['+62' || :r::bigint], ARRAY['LAPOR! Terima kasih, laporan Anda diterima. No tiket #' || :complaint_id::bigint || '. Cek status: ketik CEK ' || :complaint_id::bigint || ' kirim ke 1708']) AS u(complaint_id, sms_in_id, kind, destination, text) ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING;
COMMIT;
