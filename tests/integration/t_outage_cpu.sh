#!/usr/bin/env bash
# The daemon stays cheap while what it depends on is away: over a database outage and over a
# modem outage its CPU time (utime + stime from /proc) stays under a small bound, where a main
# loop whose nap is computed from a due time in the past would burn a whole core.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
MODEM_TIMEOUT=3
OUTAGE=${OUTAGE:-20}
# CPU seconds the daemon may use over one outage; a spinning loop uses about OUTAGE.
BOUND=${BOUND:-1.5}
lab_init "heartbeat = 1;"

# cpu_seconds PID: the process's user and system CPU time so far, in seconds.
cpu_seconds() {
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz }' \
        "/proc/$1/stat"
}
# over_outage NAME: the CPU seconds the daemon used while sleeping through one outage.
over_outage() {
    local before after
    before=$(cpu_seconds "$DAEMON_PID")
    sleep "$OUTAGE"
    after=$(cpu_seconds "$DAEMON_PID")
    awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f\n", a - b }'
}
under_bound() { awk -v used="$1" -v bound="$BOUND" 'BEGIN { print (used < bound) ? "yes" : "no" }'; }

sim_put +628138881001 "Laporan 1: lampu jalan mati di depan sekolah."
daemon_start
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'sent'" 60

# The database away while the modem stays connected.
pg_stop immediate
used=$(over_outage)
say "database away ${OUTAGE}s: the daemon used ${used}s of CPU"
check "database away ${OUTAGE}s: CPU time under ${BOUND}s (used ${used}s)" "$(under_bound "$used")" yes
check "the daemon lives through it" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
pg_resume
sim_put +628138881002 "Laporan 2: sesudah basis data kembali."
wait_for "SELECT count(*) = 2 FROM outbox WHERE status = 'sent'" 60

# The modem away (the simulator exits at every start, as an unplugged modem) with the database
# up.
sim_fault die_after=1
wait_for "SELECT NOT modem_connected FROM heartbeat" 30
used=$(over_outage)
say "modem away ${OUTAGE}s: the daemon used ${used}s of CPU"
check "modem away ${OUTAGE}s: CPU time under ${BOUND}s (used ${used}s)" "$(under_bound "$used")" yes
sim_fault ""
sim_put +628138881003 "Laporan 3: sesudah modem kembali."
wait_for "SELECT count(*) = 3 FROM outbox WHERE status = 'sent'" 90
check "every message one complaint with one reply" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT destination) FROM outbox WHERE status = 'sent'")" 3/3
daemon_stop
finish
