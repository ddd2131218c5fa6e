#!/bin/bash
# pool.sh: a modem pool, one lapor-smsd per modem port against one PostgreSQL. A benchmark, not a
# test: it prints figures.
#
#   bash tests/bench/pool.sh [--daemons D] [--messages K] [--idle-seconds S]
#
#   --daemons       daemons (and modems) in the pool (default 16)
#   --messages      messages per modem for the intake run (default 500; the benchmark's mix from
#                   ../shared/data/, distinct senders)
#   --idle-seconds  how long the idle run lasts (default 60)
#
# 1. Dummy modems: K messages wait on each of D dummy-driver modems; the D daemons start together.
#    Aggregate intake (parts/s, from the first start to the last message's commit) and replies
#    (every reply sent), peak memory (VmHWM) of each daemon and its worker, PostgreSQL client
#    connections while they run, and what `lapor-smsctl status` and `metrics` show.
# 2. AT simulator: D daemons on D tests/modemsim/atsim.py modems with nothing arriving, S seconds
#    after they connected: CPU (utime+stime from /proc) of each daemon plus its worker, per minute,
#    as a share of one core; the simulators' own CPU apart. Memory (VmRSS) of each pair.
set -euo pipefail
D=16 K=500 IDLE_S=60
while [ $# -gt 0 ]; do
    case $1 in
        --daemons) D=$2; shift 2 ;;
        --messages) K=$2; shift 2 ;;
        --idle-seconds) IDLE_S=$2; shift 2 ;;
        *) sed -n '2,18p' "$0" >&2; exit 2 ;;
    esac
done
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_init pool
PIDS=()
q() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -F ' ' -c "$1"; }
TCK=$(getconf CLK_TCK)
proc_ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat" 2>/dev/null || echo 0; }
proc_kb() { awk -v k="$2" '$1 == k ":" {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
worker_of() { awk '{print $1}' "/proc/$1/task/$1/children" 2>/dev/null; }
stop_all() {
    local p
    for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
    PIDS=()
}
cleanup() {
    stop_all
    pg_stop fast || true
    [ -n "${KEEP:-}" ] && echo "kept $W" >&2 || rm -rf "$W"
}
trap cleanup EXIT

bench_tool stage
pg_start "$W/pg"
pg_stop fast
pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 60 -o "-p $PGPORT \
    -k $PG_DIR/sock -c listen_addresses='' -c fsync=off -c track_commit_timestamp=on" \
    start >/dev/null

conf_for() { # conf_for I MODEM_LINE: the configuration of daemon I
    cat >"$W/conf-$1" <<EOF
instance = "modem$(printf '%02d' "$1")";
$2
database = "$LAPOR_DB_CONNINFO";
allow_root = true;
EOF
}
conf_for 0 "modem = { connection = \"none\"; model = \"dummy\"; device = \"$W/none\"; pin = \"\"; };"
"$BUILD/lapor-smsctl" -c "$W/conf-0" migrate >/dev/null

# pair_figures: per daemon plus worker, "RSS_KB HWM_KB TICKS" lines.
pair_figures() {
    local p w
    for p in "${PIDS[@]}"; do
        w=$(worker_of "$p")
        echo "$(($(proc_kb "$p" VmRSS) + $(proc_kb "${w:-0}" VmRSS)))" \
            "$(($(proc_kb "$p" VmHWM) + $(proc_kb "${w:-0}" VmHWM)))" \
            "$(($(proc_ticks "$p") + $(proc_ticks "${w:-0}")))"
    done
}
connections() { q "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"; }

# ---- 1. intake and sending on dummy modems ----
parts=0
for i in $(seq 1 "$D"); do
    "$W/bin/stage" gen --tsv "$TSV" --n "$K" --out "$W/stage-$i" \
        --first-sender "$((6281400000000 + i * 100000))" >/dev/null
    "$W/bin/stage" place --out "$W/stage-$i" --device "$W/dummy-$i" >/dev/null
    parts=$((parts + $(find "$W/stage-$i" -type f -name '[0-9]*' | wc -l)))
    conf_for "$i" "modem = { connection = \"none\"; model = \"dummy\"; device = \"$W/dummy-$i\"; pin = \"\"; };"
done
total=$((D * K))
say "$D daemons, $total messages ($parts parts) waiting"
t0=$(date +%s.%N)
for i in $(seq 1 "$D"); do
    "$BUILD/lapor-smsd" -f -c "$W/conf-$i" >"$W/daemon-$i.log" 2>&1 &
    PIDS+=($!)
done
peak_conn=0
until [ "$(q "SELECT count(*) >= $total FROM sms_in")" = t ]; do
    c=$(connections)
    [ "$c" -gt "$peak_conn" ] && peak_conn=$c
    sleep 0.2
done
until [ "$(q "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')")" = t ]; do
    sleep 0.2
done
t_out=$(date +%s.%N)
t_in=$(q "SELECT extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) FROM sms_in")
pair_figures >"$W/busy"
"$BUILD/lapor-smsctl" -c "$W/conf-0" status >"$W/status.txt"
"$BUILD/lapor-smsctl" -c "$W/conf-0" metrics >"$W/metrics.txt"
stop_all
replies=$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")
echo "dummy modems: $D daemons, $total messages, $parts parts"
awk -v p="$parts" -v r="$replies" -v a="$t0" -v b="$t_in" -v c="$t_out" 'BEGIN {
    printf "  intake %.2f s, %.0f parts/s; all %d replies sent by %.2f s, %.0f replies/s\n",
        b - a, p / (b - a), r, c - a, r / (c - a) }'
awk '{ if ($2 > m) m = $2; s += $2; n++ } END {
    printf "  peak memory (VmHWM) per daemon plus worker: mean %.1f MB, max %.1f MB\n",
        s / n / 1024, m / 1024 }' "$W/busy"
echo "  PostgreSQL client connections at most: $peak_conn"
echo "  lapor-smsctl status shows $(grep -c '^modem[0-9]' "$W/status.txt") modem lines;" \
    "metrics $(grep -c '^lapor_modem_up{' "$W/metrics.txt") lapor_modem_up samples"
sed 's/^/    /' "$W/status.txt" | head -n $((D + 8))

# ---- 2. idle on the AT simulator ----
q "DELETE FROM heartbeat" >/dev/null
for i in $(seq 1 "$D"); do
    mkdir -p "$W/sim-$i/inbox" "$W/sim-$i/sent"
    conf_for "$i" "modem = { connection = \"proxyat\"; model = \"\"; pin = \"\";
          device = \"/usr/bin/python3 $LAPOR_SRC/tests/modemsim/atsim.py --dir $W/sim-$i\"; };"
    "$BUILD/lapor-smsd" -f -c "$W/conf-$i" >"$W/daemon-sim-$i.log" 2>&1 &
    PIDS+=($!)
done
t_wait=$SECONDS
until [ "$(q "SELECT count(*) FILTER (WHERE modem_connected) = $D FROM heartbeat")" = t ]; do
    sleep 0.5
    [ $((SECONDS - t_wait)) -lt 120 ] || { say "not every modem connected"; break; }
done
sleep 5
pair_figures >"$W/idle0"
sims0=$(for p in $(pgrep -f "atsim.py --dir $W/sim-" || true); do proc_ticks "$p"; done | awk '{s += $1} END {print s + 0}')
sleep "$IDLE_S"
pair_figures >"$W/idle1"
sims1=$(for p in $(pgrep -f "atsim.py --dir $W/sim-" || true); do proc_ticks "$p"; done | awk '{s += $1} END {print s + 0}')
echo "AT simulator, idle for $IDLE_S s: $D daemons, $(connections) PostgreSQL client connections"
paste "$W/idle0" "$W/idle1" | awk -v t="$TCK" -v s="$IDLE_S" '{
        cpu = ($6 - $3) / t / s * 100; if (cpu > m) m = cpu; c += cpu
        if ($4 > r) r = $4; rs += $4; n++ }
    END { printf "  CPU per daemon plus worker: mean %.3f%%, max %.3f%% of a core\n", c / n, m
          printf "  memory (VmRSS) per daemon plus worker: mean %.1f MB, max %.1f MB\n", rs / n / 1024, r / 1024 }'
awk -v a="$sims0" -v b="$sims1" -v t="$TCK" -v s="$IDLE_S" -v d="$D" 'BEGIN {
    printf "  the simulators themselves: %.3f%% of a core each\n", (b - a) / t / s * 100 / d }'
stop_all
