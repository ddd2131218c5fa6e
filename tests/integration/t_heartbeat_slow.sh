#!/usr/bin/env bash
# The heartbeat goes on through every wait on a slow or hung modem (reads, removals, sends, a
# worker killed at its deadline): status never shows the living daemon DOWN, that is with a
# heartbeat older than three beats. A modem that is slow but answers is never taken for a hung one:
# no worker is killed while it answers, however many commands a request takes (a status round is
# some fifteen, more than the deadline allows at 0.8 s each), and every reply goes out.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
MODEM_TIMEOUT=10
# A status round every 5 s, so that the slow phase below can begin with one.
MODEM_EXTRA="status_interval = 5;"
BEAT=2
lab_init "heartbeat = $BEAT;" "poll_interval = 0.5;"
STALE=$((BEAT * 3))

# watch SECONDS [SQL]: samples the heartbeat's age every 0.3 s for SECONDS, or until SQL prints
# t; prints the oldest age seen.
watch() {
    local limit=$1 until=${2:-} start=$SECONDS oldest=0 age
    while [ $((SECONDS - start)) -lt "$limit" ]; do
        age=$(q "SELECT round(extract(epoch FROM now() - beat_at)::numeric, 1) FROM heartbeat")
        oldest=$(awk -v a="$age" -v o="$oldest" 'BEGIN { print (a > o) ? a : o }')
        [ -n "$until" ] && [ "$(q "$until")" = t ] && break
        sleep 0.3
    done
    echo "$oldest"
}
alive() { kill -0 "$DAEMON_PID" 2>/dev/null && echo alive; }
fresh() { awk -v a="$1" -v s="$STALE" 'BEGIN { print (a < s) ? "yes" : "no" }'; }

daemon_start
wait_for "SELECT count(*) = 1 FROM heartbeat" 30
wait_for "SELECT modem_connected FROM heartbeat" 30

# A slow modem (every command 0.8 s): a status round, then messages read, stored, removed,
# answered.
sim_fault slow_ms=800
status_round_slow() {
    awk '/NOTE faults slow_ms=800/ { slow = 1 } slow && / RX AT\+CGSN/ { print "t"; exit }' \
        "$SIM/at.log"
}
for _ in $(seq 50); do [ "$(status_round_slow)" = t ] && break; sleep 0.3; done
check "slow modem: a status round began" "$(status_round_slow)" t
for i in 1 2 3 4; do sim_put "+62813777000$i" "Laporan lambat $i: jalan rusak di RT 0$i."; done
oldest=$(watch 60 "SELECT count(*) = 4 FROM outbox WHERE status = 'sent'")
say "slow modem: heartbeat at most ${oldest}s old"
check "slow modem: every reply sent" "$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")" 4
check "slow modem: no worker killed while the modem answered" \
    "$(grep -c 'warning: modem worker' "$DAEMON_LOG" || true)" 0
check "slow modem: never DOWN (heartbeat ${oldest}s old at most, DOWN at ${STALE}s)" \
    "$(fresh "$oldest")" yes
check "status shows the daemon alive" "$(status_json | json_get modems.0.daemon_alive)" true

# A modem that stops answering: the worker is killed at its deadline, again and again.
sim_fault hang=1
oldest=$(watch 14)
say "hung modem: heartbeat at most ${oldest}s old"
check "hung modem: never DOWN (heartbeat ${oldest}s old at most)" "$(fresh "$oldest")" yes
check "hung modem: a worker was killed at its deadline" \
    "$(q "SELECT worker_deaths >= 1 FROM heartbeat")" t

sim_fault ""
oldest=$(watch 60 "SELECT modem_connected FROM heartbeat")
check "reconnecting: never DOWN (heartbeat ${oldest}s old at most)" "$(fresh "$oldest")" yes

# A send the modem never answers, on a slow modem: the worker dies inside the send.
sim_fault slow_ms=300 send_swallow=1
sim_put +628137770011 "Laporan 11: balasan ini tertelan modem."
oldest=$(watch 40 "SELECT count(*) = 1 FROM outbox WHERE status = 'unknown'
                    AND destination = '+628137770011'")
say "send never answered: heartbeat at most ${oldest}s old"
check "send never answered: its reply is unknown" \
    "$(q "SELECT status FROM outbox WHERE destination = '+628137770011'")" unknown
check "send never answered: never DOWN (heartbeat ${oldest}s old at most)" "$(fresh "$oldest")" yes
check "the daemon lived through it all" "$(alive)" alive
sim_fault ""
daemon_stop
finish
