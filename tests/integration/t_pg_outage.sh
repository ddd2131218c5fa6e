#!/usr/bin/env bash
# PostgreSQL stopped for 30 s in the middle of an intake: the daemon neither crashes nor deletes
# anything it has not stored, says what is wrong, and finishes the intake when the database is back.
. "$(dirname "$0")/../lib/common.sh"
N=${MESSAGES:-600}
OUTAGE=${OUTAGE:-30}
lab_init "batch_size = 2;" "poll_interval = 0.1;"
for i in $(seq "$N"); do
    printf '+628579%07d\tLaporan %d: air PDAM tidak mengalir sejak kemarin pagi di RT 0%d.\n' \
        "$i" "$i" $((i % 9 + 1))
done >"$T/in.tsv"
"$SMSCTL" -c "$CONF" inject --file "$T/in.tsv" >/dev/null
total_parts=$(modem_files)

# Slow the daemon down a little (each poll takes a batch of two), then pull the database away
# under it while it is busy.
daemon_start
wait_for "SELECT count(*) >= 10 FROM complaint" 60
pg_stop fast
stopped_at=$SECONDS
# After the removals already ordered, nothing may leave; that nothing left unstored is checked at
# the end (every part stored).
left=$(modem_files_settled)
say "database stopped with $left of $total_parts parts still on the modem"
check "the database went away in the middle of the intake" "$((left > 0))" 1
sleep 3
left_after=$(modem_files)
check "nothing leaves the modem while the database is away" "$left_after" "$left"
sleep $((OUTAGE - (SECONDS - stopped_at)))
check "the daemon is still running after ${OUTAGE}s without a database" \
    "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
check "it backed off instead of spinning (fewer than 40 reconnect attempts)" \
    "$(grep -c 'database connection failed' "$DAEMON_LOG" | awk '{print ($1 < 40)}')" 1
pg_resume
wait_for "SELECT count(*) = $N FROM outbox WHERE status = 'sent'" 90
check "every message one complaint after the database came back" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT sender) FROM complaint")" "$N/$N"
check "every part stored" "$(q "SELECT count(*) FROM sms_part")" "$total_parts"
check "the modem is empty" "$(modem_files_settled)" 0
check "the log names the outage" \
    "$(grep -c 'database connection failed' "$DAEMON_LOG" | awk '{print ($1 > 0)}')" 1
daemon_stop
finish
