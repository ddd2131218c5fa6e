-- gen_bigdb.sql: fills a migrated lapor-smsd database with years of complaints, for the
-- large-database benchmark (bigdb.sh). Run by psql as a superuser, on a database no daemon uses:
--
--   psql -v n=5000000 -v open=1000000 -v tsv=../shared/data/lapor-reports-2017.tsv \
--        -f tests/bench/gen_bigdb.sql
--
-- n complaints, the newest created now and the oldest n/1,400 days ago (LAPOR!'s 1,400 a day);
-- one in n/open still open. Of the open ones, those of the last 3 days are baru, those of the
-- last 7 days diteruskan, and older ones diproses, except one in 500 forgotten diteruskan and
-- one in 500 left ditunda (overdue both). Each complaint has its message (3 in 10 of 2 to 4
-- parts), its parts, its events (created, routed, closed), its reply and, when routed, its forward
-- to a liaison, each sent with one part delivered. A few multipart messages wait for parts and a
-- few replies are queued. Texts are the LAPOR! reports of the TSV. Senders start +6285, which the
-- benchmark's staged messages never use.
--
-- Foreign keys and triggers are off while it loads (session_replication_role), so the due dates
-- are written here with the rule the trigger uses (complaint_due_on()), and the counts of table
-- tally are made at the end.
\set ON_ERROR_STOP on
\if :{?n}
\else
\set n 100000
\endif
\if :{?open}
\else
\set open 20000
\endif
\if :{?chunk}
\else
\set chunk 250000
\endif

CREATE TEMP TABLE report (id serial PRIMARY KEY, lapor_id text, text text);
-- The file holds a few NUL bytes, which no text value may.
\set corpus `tr -d '\\000' < :tsv`
INSERT INTO report (lapor_id, text)
SELECT split_part(l, E'\t', 1), split_part(l, E'\t', 2)
  FROM regexp_split_to_table(:'corpus', E'\n') l
 WHERE length(split_part(l, E'\t', 2)) >= 20;
CREATE TEMP TABLE report_n AS SELECT count(*)::int AS n FROM report;

INSERT INTO agency (code, name)
SELECT 'AG' || g, 'Instansi ' || g FROM generate_series(1, 40) g ON CONFLICT DO NOTHING;
INSERT INTO agency_keyword (keyword, agency_id)
SELECT 'KW' || a.id, a.id FROM agency a ON CONFLICT DO NOTHING;
INSERT INTO liaison (agency_id, number, name)
SELECT a.id, '+6287' || lpad((a.id * 10 + k)::text, 8, '0'), 'Penghubung ' || a.code
  FROM agency a, generate_series(1, 2) k ON CONFLICT DO NOTHING;
INSERT INTO heartbeat (instance, host, pid, started_at, modem_state, modem_connected)
SELECT 'modem' || g, 'bench', 1000 + g, now(), 'connected', true FROM generate_series(0, 15) g
    ON CONFLICT DO NOTHING;

-- One chunk of complaints [p_from, p_to] of p_n, with everything that hangs from them.
CREATE PROCEDURE pg_temp.fill_chunk(p_from bigint, p_to bigint, p_n bigint, p_open bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_reports integer := (SELECT n FROM report_n);
    v_agencies integer := (SELECT count(*) FROM agency);
    v_every bigint := greatest(p_n / greatest(p_open, 1), 1);
BEGIN
    SET LOCAL session_replication_role = replica;
    CREATE TEMP TABLE c ON COMMIT DROP AS
    SELECT i, 99999 + i AS id, created_at, status,
           CASE WHEN status NOT IN ('baru', 'ditunda') THEN created_at + interval '1 day' END
               AS routed_at,
           CASE WHEN status NOT IN ('baru', 'ditunda') THEN 1 + (i % v_agencies)::int END
               AS agency_id,
           '+6285' || lpad((i % 2000000)::text, 9, '0') AS sender,
           CASE WHEN i % 10 < 3 THEN 2 + (i % 3)::int ELSE 1 END AS parts,
           (SELECT r.text FROM report r WHERE r.id = 1 + (i * 7919) % v_reports) AS full_text
      FROM (SELECT i, now() - ((p_n - i) / 1400.0) * interval '1 day' AS created_at,
                   CASE WHEN i % v_every <> 0
                        THEN CASE WHEN i % 11 = 1 THEN 'ditolak' WHEN i % 13 = 1 THEN 'dibatalkan'
                                  ELSE 'selesai' END
                        WHEN p_n - i < 3 * 1400 THEN 'baru'
                        WHEN p_n - i < 7 * 1400 THEN 'diteruskan'
                        WHEN (i / v_every) % 500 = 0 THEN 'diteruskan'
                        WHEN (i / v_every) % 500 = 1 THEN 'ditunda'
                        ELSE 'diproses' END AS status
              FROM generate_series(p_from, p_to) i) g;
    UPDATE c SET full_text = left(full_text, 150) WHERE parts = 1;

    INSERT INTO sms_in (id, instance, sender, concat_ref, concat_total, first_smsc_time,
                        first_received_at, state, text, closed_at, command, complaint_id)
    SELECT i, 'modem' || (i % 16), sender, CASE WHEN parts > 1 THEN (i % 256)::int END,
           CASE WHEN parts > 1 THEN parts END, created_at, created_at, 'complete', full_text,
           created_at, 'complaint', id
      FROM c;
    INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc, smsc_time,
                          received_at, coding, concat_seq, text)
    SELECT md5('bigdb|' || c.i || '|' || s), c.i, 'modem' || (c.i % 16), c.sender,
           '+62816124', c.created_at, c.created_at, 'gsm7',
           CASE WHEN c.parts > 1 THEN s END,
           substr(c.full_text, 1 + (s - 1) * 153, 153)
      FROM c, generate_series(1, c.parts) s;
    INSERT INTO complaint (id, sms_in_id, sender, text, status, created_at, updated_at,
                           keyword, agency_id, routed_at, first_followup_at, closed_at, due_on)
    SELECT id, i, sender, full_text, status, created_at, created_at, NULL, agency_id, routed_at,
           CASE WHEN status IN ('diproses', 'selesai') THEN created_at + interval '3 days' END,
           CASE WHEN status IN ('selesai', 'ditolak', 'dibatalkan')
                THEN created_at + interval '10 days' END,
           complaint_due_on(status, created_at, routed_at)
      FROM c;
    INSERT INTO complaint_event (complaint_id, at, actor, kind, detail)
    SELECT id, created_at, 'modem' || (i % 16), 'created', NULL FROM c
    UNION ALL
    SELECT id, routed_at, 'operator', 'routed', 'AG' || agency_id FROM c
     WHERE routed_at IS NOT NULL
    UNION ALL
    SELECT id, created_at + interval '10 days', 'liaison', 'status', status FROM c
     WHERE status IN ('selesai', 'ditolak', 'dibatalkan');

    WITH o AS (
        INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text, via_instance,
                            status, parts, attempts, next_attempt_at, created_at, sent_at)
        SELECT id, i, 'received', sender, 'Laporan Anda diterima, nomor tiket ' || id,
               'modem' || (i % 16), 'sent', 1, 1, created_at, created_at, created_at
          FROM c
        UNION ALL
        SELECT id, NULL, 'forward', '+6287' || lpad((agency_id * 10 + 1)::text, 8, '0'),
               'Tiket ' || id || ': ' || left(full_text, 100), 'modem' || (i % 16), 'sent', 1,
               1, routed_at, routed_at, routed_at
          FROM c WHERE routed_at IS NOT NULL
        RETURNING id, via_instance, sent_at)
    INSERT INTO outbox_part (outbox_id, seq, status, instance, msg_ref, updated_at, delivery,
                             delivery_code, delivery_at)
    SELECT id, 1, 'sent', via_instance, (id % 256)::int, sent_at, 'delivered', 0,
           sent_at + interval '5 seconds'
      FROM o;
END;
$$;

SELECT format('CALL pg_temp.fill_chunk(%s, %s, %s, %s)', f, least(f + :chunk - 1, :n), :n, :open)
  FROM generate_series(1, :n, :chunk) f
\gexec

-- What a live gateway also has: multipart messages waiting for their parts, replies queued.
SET session_replication_role = replica;
INSERT INTO sms_in (id, instance, sender, concat_ref, concat_total, first_smsc_time,
                    first_received_at, state)
SELECT :n + g, 'modem' || (g % 16), '+6286' || lpad(g::text, 9, '0'), g % 256, 3,
       now() - g * interval '1 second', now() - g * interval '1 second', 'open'
  FROM generate_series(1, 50) g;
INSERT INTO sms_part (idem_key, sms_in_id, instance, sender_raw, smsc_time, received_at, coding,
                      concat_seq, text)
SELECT md5('bigdb-open|' || g), :n + g, 'modem' || (g % 16), '+6286' || lpad(g::text, 9, '0'),
       now() - g * interval '1 second', now() - g * interval '1 second', 'gsm7', 1, 'bagian satu'
  FROM generate_series(1, 50) g;
INSERT INTO outbox (kind, destination, text)
SELECT 'operator', '+6286' || lpad(g::text, 9, '0'), 'pesan antre ' || g
  FROM generate_series(1, 20) g;
RESET session_replication_role;

-- The triggers that keep the counts were off: the counts, from the rows.
TRUNCATE tally;
INSERT INTO tally (name, shard, n)
SELECT name, 0, n FROM (
    SELECT 'outbox:' || status AS name, count(*) AS n FROM outbox GROUP BY status
    UNION ALL SELECT 'sms_in', count(*) FROM sms_in
    UNION ALL SELECT 'complaint', count(*) FROM complaint
    UNION ALL SELECT 'sms_in@' || current_date, count(*) FROM sms_in
               WHERE first_received_at >= current_date
    UNION ALL SELECT 'complaint@' || current_date, count(*) FROM complaint
               WHERE created_at >= current_date
    UNION ALL SELECT 'outbox:sent@' || current_date, count(*) FROM outbox
               WHERE status = 'sent' AND sent_at >= current_date) c;

SELECT setval('sms_in_id_seq', (SELECT max(id) FROM sms_in));
SELECT setval('complaint_seq', (SELECT max(id) FROM complaint));
VACUUM ANALYZE;
SELECT status, count(*) FROM complaint GROUP BY status ORDER BY status;
SELECT pg_size_pretty(pg_database_size(current_database())) AS database_size;
