#!/usr/bin/env bash
# PostgreSQL crashed (pg_ctl -m immediate) and restarted 10 times during an intake, then away for
# 2 minutes: the daemon never crashes, deletes nothing it has not stored, and in the end every
# message is one complaint with one reply.
. "$(dirname "$0")/../lib/common.sh"
N=${MESSAGES:-1500}
AWAY=${AWAY:-120}
lab_init "batch_size = 5;" "poll_interval = 0.05;" "lease = 5;"
for i in $(seq "$N"); do
    printf '%s\tLaporan %d: air PDAM mati di blok %d sejak pagi\n' "$(printf '+628249%07d' "$i")" "$i" "$((i % 40))"
done >"$T/in.tsv"
"$SMSCTL" -c "$CONF" inject --file "$T/in.tsv" >/dev/null
parts=$(modem_files)

daemon_start
wait_for "SELECT count(*) >= 20 FROM complaint" 60
for round in $(seq 10); do
    sleep "0.$((RANDOM % 6 + 2))"
    pg_stop immediate
    sleep "0.$((RANDOM % 8 + 1))"
    pg_resume
done
say "10 immediate restarts done; $(modem_files) of $parts parts still on the modem"
check "the daemon lived through 10 crashes of PostgreSQL" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
wait_for "SELECT count(*) >= 1 FROM complaint" 30
pg_stop fast
left=$(modem_files_settled)
say "PostgreSQL away for ${AWAY}s with $left parts on the modem"
sleep "$AWAY"
check "nothing left the modem while PostgreSQL was away" "$(modem_files)" "$left"
check "the daemon lived through ${AWAY}s without PostgreSQL" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
pg_resume
wait_for "SELECT count(*) = $N FROM complaint" 300
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 120
daemon_stop
check "every message one complaint" "$(q "SELECT count(*) || '/' || count(DISTINCT sender) FROM complaint")" "$N/$N"
check "every part stored once" "$(q "SELECT count(*) FROM sms_part")" "$parts"
check "one reply per complaint" "$(q "SELECT count(*) FROM outbox")" "$N"
check "every reply sent or marked unknown" "$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')")" 0
check "the modem is empty" "$(modem_files_settled)" 0
say "figures: $N messages, 10 immediate restarts and a ${AWAY}s outage: $(q "SELECT count(*) FROM outbox WHERE status = 'sent'") replies sent, $(q "SELECT count(*) FROM outbox WHERE status = 'unknown'") unknown, $(grep -c 'stored before' "$DAEMON_LOG" || true) parts read again"
finish
