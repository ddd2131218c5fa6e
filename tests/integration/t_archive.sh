#!/usr/bin/env bash
# Retention: `lapor-smsctl archive --older-than DAYS` moves closed tickets past the age, with their
# messages, parts, events, reminders, replies and their parts, into the archive tables. Every row
# that left a hot table is found, unchanged, in its archive table; nothing younger or still open
# moves; the daemon goes on taking complaints afterwards.
. "$(dirname "$0")/../lib/common.sh"
lab_init "routing = { automatic = true; };" "replies = { budget = 50; };"
ctl() { "$SMSCTL" -c "$CONF" "$@"; }
ctl agency add PDAM "Perusahaan Daerah Air Minum" >/dev/null
ctl agency keyword PDAM AIR >/dev/null
ctl liaison add PDAM 081200001111 "Budi" >/dev/null

for i in 1 2 3 4 5 6; do
    inject "+628130000000$i" "AIR mati di gang $i sejak kemarin, mohon segera diperbaiki petugas"
done
long="Tolong periksa lampu jalan yang padam di perempatan pasar lama sejak dua minggu, warga takut"
inject "+6281300000007" "$long lewat di malam hari karena jalan gelap dan sering terjadi kecelakaan di sana" --ref 7
daemon_start
wait_for "SELECT count(*) = 7 FROM complaint" 30
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 30
ticket_of() { q "SELECT ticket_of(id) FROM complaint WHERE sender = '$1'"; }
inject "+6281300000001" "CEK $(ticket_of +6281300000001)"
wait_for "SELECT count(*) = 1 FROM outbox WHERE kind = 'status' AND status = 'sent'" 30
daemon_stop

# Tickets 1 to 3 closed 40 days ago, 4 closed today, 5 to 7 open.
for i in 1 2 3 4; do
    ctl ticket reject "$(ticket_of "+628130000000$i")" --reason "bukan wewenang" >/dev/null
done
q "UPDATE complaint SET closed_at = now() - interval '40 days'
    WHERE sender IN ('+6281300000001', '+6281300000002', '+6281300000003')"
q "INSERT INTO reminder (complaint_id, day) SELECT id, current_date - 40 FROM complaint
    WHERE sender = '+6281300000002'"

# Ticket 3 has a confirmation asked for a command, ticket 1 a delivered webhook event.
q "INSERT INTO confirmation (sender, sms_in_id, complaint_id, salt, code_hash, expires_at)
    SELECT sender, sms_in_id, id, 'salt', '\\x00', now() FROM complaint WHERE sender = '+6281300000003'"
webhook_event() { # webhook_event SENDER STATUS
    q "INSERT INTO webhook_event (event_id, agency_id, complaint_id, kind, payload, status)
        SELECT gen_random_uuid(), a.id, c.id, 'status', '{}', '$2'
          FROM complaint c, agency a WHERE c.sender = '$1' AND a.code = 'PDAM'"
}
webhook_event +6281300000001 delivered

# Every row of the hot tables, as text, before.
TABLES="complaint complaint_event reminder sms_in sms_part outbox outbox_part confirmation webhook_event"
for t in $TABLES; do
    q "SELECT t::text FROM $t t" | sort >"$T/before.$t"
done
ctl archive 2>/dev/null && rc=0 || rc=$?
check "archive without an age is refused" "$rc" 2
ctl archive --older-than 0 2>/dev/null && rc=0 || rc=$?
check "... and with an age of 0 days" "$rc" 2
check "the archive says what it moved" "$(ctl archive --older-than 30 --batch 2)" \
    "archived 3 tickets closed more than 30 days ago"

lost=0 moved=0
for t in $TABLES; do
    q "SELECT t::text FROM $t t" | sort >"$T/after.$t"
    q "SELECT t::text FROM archive_$t t" | sort >"$T/archive.$t"
    gone=$(comm -23 "$T/before.$t" "$T/after.$t" | wc -l)
    moved=$((moved + gone))
    # A row gone from the hot table and not in its archive table, or in the archive unchanged.
    lost=$((lost + $(comm -23 "$T/before.$t" "$T/after.$t" | comm -23 - "$T/archive.$t" | wc -l)))
    check "$t: every archived row came from the hot table" \
        "$(comm -13 "$T/before.$t" "$T/archive.$t" | wc -l)" 0
done
check "rows moved from every table, none lost" "$lost $([ "$moved" -ge 20 ] && echo many)" "0 many"
check "the three old closed tickets are archived" \
    "$(q "SELECT string_agg(sender, ' ' ORDER BY sender) FROM archive_complaint")" \
    "+6281300000001 +6281300000002 +6281300000003"
check "... with their CEK and its reply" \
    "$(q "SELECT count(*) FROM archive_outbox WHERE kind = 'status'")" 1
check "... and the reminder" "$(q "SELECT count(*) FROM archive_reminder")" 1
check "the ticket closed today and the open ones stay" "$(q "SELECT count(*) FROM complaint")" 4
check "the outbox counts of status and metrics follow the rows that left" \
    "$(q "SELECT count(*) FROM (SELECT 'outbox:' || status, count(*) FROM outbox GROUP BY 1
            EXCEPT SELECT name, sum(n) FROM tally WHERE name LIKE 'outbox:%'
             GROUP BY 1 HAVING sum(n) <> 0) d")" 0
check "a second archive finds nothing more" "$(ctl archive --older-than 30)" \
    "archived 0 tickets closed more than 30 days ago"
check "... the confirmation and the webhook event went with their tickets" \
    "$(q "SELECT (SELECT count(*) FROM archive_confirmation) || ' '
               || (SELECT count(*) FROM archive_webhook_event)")" "1 1"
q "UPDATE complaint SET closed_at = now() - interval '40 days' WHERE sender = '+6281300000004'"
webhook_event +6281300000004 queued
check "a ticket whose webhook event is still to be delivered stays" \
    "$(ctl archive --older-than 30)" "archived 0 tickets closed more than 30 days ago"
q "UPDATE webhook_event SET status = 'delivered'"
check "... and goes once it is delivered" \
    "$(ctl archive --older-than 30)" "archived 1 ticket closed more than 30 days ago"

daemon_start
inject "+6281300000009" "AIR keruh dan berbau di perumahan baru sejak minggu lalu"
wait_for "SELECT count(*) = 4 FROM complaint" 30
check "the daemon takes complaints after the archive" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+6281300000009'")" 1
daemon_stop
finish
