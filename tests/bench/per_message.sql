-- per_message.sql: pgbench script (pgbench -M extended -f per_message.sql) that runs, in one
-- transaction, the statements lapor-smsd runs for one incoming single-SMS complaint, in the
-- daemon's order and with its texts (daemon/store.c; the functions are in sql/001_initial.sql):
--   store_part_add            intake_part(...)
--   store_complaint_find_resent  advisory lock per sender + the resend-window lookup
--   store_complaint_create    complaint + its first event + the note on its message
--   store_reply_budget        advisory lock per destination + the count of recent replies
--   queue_message             the reply's outbox row
-- The daemon sends them with PQexecParams (extended protocol, unnamed statements), hence -M
-- extended. Its own transactions carry up to batch_size (50) parts; this one carries one, which
-- makes it the database's limit for a daemon that commits every message.
-- Each transaction is a new sender (a random number), so that no idempotency key repeats and the
-- budget never runs out, as in the benchmark's message mix.
\set r random(100000000, 999999999999)
BEGIN;
SELECT outcome, msg_id, msg_text, msg_complete FROM intake_part('bench', '+62' || :r::bigint, '+62' || :r::bigint, '+6281100000', to_timestamp(extract(epoch FROM now())::double precision), 'gsm7', NULL::smallint, 'text', NULL::int, NULL::int, NULL::int, ''::bytea, decode(repeat('0041', 140), 'hex'), 'Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint, make_interval(secs => 3600)) \gset
SELECT pg_advisory_xact_lock(hashtext('resend:' || ('+62' || :r::bigint)));
WITH c AS (SELECT id FROM complaint WHERE sender = '+62' || :r::bigint AND text = 'Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint AND created_at > now() - make_interval(secs => 600) AND status <> 'dibatalkan' ORDER BY id DESC LIMIT 1), e AS (INSERT INTO complaint_event (complaint_id, actor, kind, detail) SELECT id, 'daemon:' || 'bench', 'resent', 'message ' || :msg_id::bigint FROM c), m AS (UPDATE sms_in SET command = 'resent', complaint_id = (SELECT id FROM c) WHERE id = :msg_id::bigint AND EXISTS (SELECT 1 FROM c)) SELECT id FROM c;
WITH c AS (INSERT INTO complaint (sms_in_id, sender, text, incomplete, confidential, keyword) VALUES (:msg_id::bigint, '+62' || :r::bigint, 'Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. ' || :r::bigint, false, false, (SELECT k.keyword FROM agency_keyword k WHERE k.keyword = 'JALAN')) RETURNING id), e AS (INSERT INTO complaint_event (complaint_id, actor, kind, detail) SELECT id, 'daemon:' || 'bench', 'created', NULL FROM c), m AS (UPDATE sms_in SET command = 'complaint', complaint_id = (SELECT id FROM c) WHERE id = :msg_id::bigint) SELECT id AS complaint_id, coalesce((SELECT k.agency_id FROM agency_keyword k WHERE k.keyword = 'JALAN'), 0) AS agency_id FROM c \gset
SELECT pg_advisory_xact_lock(hashtext('budget:' || ('+62' || :r::bigint)));
SELECT count(*) < 5 FROM outbox WHERE destination = '+62' || :r::bigint AND created_at > now() - make_interval(secs => 3600);
INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text, via_instance) VALUES (:complaint_id::bigint, :msg_id::bigint, 'received', '+62' || :r::bigint, 'LAPOR! Terima kasih, laporan Anda diterima. No tiket #' || :complaint_id || '. Cek status: ketik CEK ' || :complaint_id::bigint || ' kirim ke 1708', 'bench') ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING;
COMMIT;
