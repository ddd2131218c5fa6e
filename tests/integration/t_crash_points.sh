#!/usr/bin/env bash
# SIGKILL at every step of intake and of sending, 200 times in all: after reading, after storing,
# after the commit before the delete, after the delete; after claiming a reply, with a part marked
# under way before it reaches the modem, and after the modem took it before that is recorded.
# Counted at the end: messages lost, tickets duplicated, replies handed to the modem twice: all 0.
. "$(dirname "$0")/../lib/common.sh"
# Sending goes through the AT simulator, whose connection takes most of a second: fewer kills
# there, more on the fast dummy modem.
KILLS_INTAKE=${KILLS_INTAKE:-170}
KILLS_SEND=${KILLS_SEND:-30}
q_expected() { q "CREATE TABLE IF NOT EXISTS expected (sender text PRIMARY KEY, text text NOT NULL)"; }

# crash_loop POINTS KILLS FEED: starts the daemon armed at each point in turn until KILLS kills
# happened; FEED is a function that puts more messages in when the modem runs low.
crash_loop() {
    local points=($1) want=$2 feed=$3 i=0 hits=0 misses=0
    while [ "$hits" -lt "$want" ]; do
        $feed
        local point=${points[$((i % ${#points[@]}))]}
        i=$((i + 1))
        LAPOR_CRASH_AT="$point:$((RANDOM % 3 + 1))" daemon_start
        local rc=0 waited=0
        while kill -0 "$DAEMON_PID" 2>/dev/null && [ "$waited" -lt 60 ]; do sleep 0.1; waited=$((waited + 1)); done
        if kill -0 "$DAEMON_PID" 2>/dev/null; then
            daemon_kill
            misses=$((misses + 1))
        else
            wait "$DAEMON_PID" 2>/dev/null || rc=$?
            DAEMON_PID=
            [ "$rc" -eq 137 ] && hits=$((hits + 1)) && eval "hit_$point=\$((\${hit_$point:-0} + 1))"
        fi
        [ "$misses" -gt $((want * 2)) ] && break
    done
    say "$hits kills at ${points[*]} ($misses runs passed the point without reaching it)"
    KILLS=$((${KILLS:-0} + hits))
}

# --- intake, on the dummy modem (fast to start, so many kills fit) ---
lab_init "batch_size = 4;" "poll_interval = 0.05;" "lease = 5;"
q_expected
n=0
feed_dummy() {
    [ "$(modem_files)" -ge 8 ] && return 0
    local i
    for i in $(seq 10); do
        n=$((n + 1))
        local sender text
        sender=$(printf '+628229%07d' "$n")
        if [ $((n % 3)) = 0 ]; then
            # Two parts: longer than one SMS.
            text="Laporan titik $n: jalan berlubang dan lampu mati di sepanjang jalan desa, warga sudah lama mengeluh, mohon segera ditangani oleh dinas terkait secepatnya."
        else
            text="Laporan titik $n: sampah belum diangkut"
        fi
        printf '%s\t%s\n' "$sender" "$text" >>"$T/expected.tsv"
        inject "$sender" "$text"
    done
}
crash_loop "read stored committed deleted" "$KILLS_INTAKE" feed_dummy
daemon_start
wait_for "SELECT count(*) = (SELECT count(DISTINCT sender) FROM complaint) AND count(*) = $n FROM complaint" 120
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 60
daemon_stop
pg_psql "COPY expected FROM STDIN WITH (FORMAT csv, DELIMITER E'\t', QUOTE E'\x01')" <"$T/expected.tsv"
check "intake: messages lost" "$(q "SELECT count(*) FROM expected e WHERE NOT EXISTS
    (SELECT 1 FROM complaint c WHERE c.sender = e.sender AND c.text = e.text)")" 0
check "intake: messages with two complaints" "$(q "SELECT count(*) - count(DISTINCT sender) FROM complaint")" 0
check "intake: every part stored once" \
    "$(q "SELECT count(*) FROM (SELECT sms_in_id, concat_seq FROM sms_part GROUP BY 1, 2 HAVING count(*) > 1) x")" 0
check "intake: the modem is empty" "$(modem_files_settled)" 0
for p in read stored committed deleted; do
    check "intake: killed at '$p'" "$(eval "echo \$((\${hit_$p:-0} > 0))")" 1
done
intake_messages=$n
pg_stop immediate

# --- sending, through the AT simulator, which records every PDU the modem is handed ---
SIM=$T/sim
SIM_ARGS="--sim-size 500"
MODEM_TIMEOUT=5
mkdir -p "$SIM/inbox"
rm -rf "$T/pg"
PGDATABASE=lapor
lab_init "batch_size = 4;" "poll_interval = 0.05;" "lease = 5;" "replies = { budget = 10; };"
m=0
feed_sim() {
    [ "$(q "SELECT count(*) FROM outbox WHERE status = 'queued'")" -ge 3 ] && return 0
    [ "$(sim_inbox)" -ge 3 ] && return 0
    local i
    for i in 1 2 3 4 5 6; do
        m=$((m + 1))
        sim_put "$(printf '+628239%07d' "$m")" "Laporan kirim $m: got mampet di RT 0$((m % 9 + 1))"
    done
}
crash_loop "claimed send sent" "$KILLS_SEND" feed_sim
daemon_start
wait_for "SELECT count(*) = $m FROM complaint" 120
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 60
daemon_stop
# Every PDU the simulated modem accepted, by destination (TS 23.040 SMS-SUBMIT, SMSC part first).
/usr/bin/python3 "$LAPOR_SRC/tests/modemsim/handed.py" "$SIM/at.log" >"$T/handed.txt"
check "send: replies handed to the modem twice" "$(awk '$2 > 1' "$T/handed.txt" | wc -l)" 0
check "send: every reply sent or marked unknown, none lost in between" \
    "$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')")" 0
handed=$(awk '{s += $2} END {print s + 0}' "$T/handed.txt")
sent=$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")
unknown=$(q "SELECT count(*) FROM outbox WHERE status = 'unknown'")
# Every reply recorded as sent reached the modem; beyond those, at most one PDU per reply whose
# outcome is unknown (killed after the modem took it, before that was written down).
check "send: every sent reply reached the modem, nothing more than the unknown ones" \
    "$((handed >= sent && handed <= sent + unknown))" 1
check "send: messages with two complaints" "$(q "SELECT count(*) - count(DISTINCT sender) FROM complaint")" 0
for p in claimed send sent; do
    check "send: killed at '$p'" "$(eval "echo \$((\${hit_$p:-0} > 0))")" 1
done
say "figures: $KILLS kills in all; $intake_messages messages through intake kills, $m through send kills; 0 lost checked; $sent replies sent, $unknown unknown (killed around the hand-over), $handed PDUs handed to the modem"
check "at least 200 kills in all" "$((KILLS >= 200))" 1
finish
