#!/bin/bash
# bench.sh: throughput and latency of lapor-smsd on libGammu's dummy modem and a private
# PostgreSQL, next to Debian's gammu-smsd and next to the two limits under both of them (the modem
# module alone, the database alone). A benchmark, not a test: it prints figures and fails only when
# something could not be measured. Not registered in CTest.
#
#   bash tests/bench/bench.sh [--sizes "1000 10000"] [--quick] [--perf] [--no-peer] [--fsync off]
#                             [--throughput-only] [--latency-only] [--send-only]
#
#   --sizes    message counts for the throughput runs (default "1000 10000")
#   --quick    sizes "1000", a 10 s latency run, 5 s pgbench runs
#   --perf     perf record the daemon, its modem worker and its PostgreSQL backend during the
#              largest run
#   --no-peer  skip gammu-smsd (it needs root and apt-get)
#   --fsync    "on" (the default, as the peer's PostgreSQL runs) or "off" (as the tests run)
#   --throughput-only  only the intake runs of --sizes (for comparing two builds: LAPOR_BIN=DIR)
#   --latency-only     only the latency run (also for comparing builds)
#   --send-only        only the sending-alone run (also for comparing builds; SEND_N=10000 for more)
#
#   Environment: LAPOR_BIN=DIR (the build to measure), KEEP=1 (keep the work folder: daemon logs,
#   cluster), BENCH_LOG_LEVEL=debug (the daemon's log level), BENCH_CONF_EXTRA='batch_size = 200;'
#   (added to the daemon's configuration).
#
# How the messages get to the modem: all of a run's messages are written as dummy-driver files
# BEFORE the daemon starts, split over sms/1 and sms/3 (the dummy driver serves at most 9,999 files
# a folder), as ../shared/peer/gammu-smsd-bench.sh places them for gammu-smsd, and the clock runs
# from starting the daemon, so its start-up counts against it. (The peer script moves the files
# in while gammu-smsd idles and times from then. Doing the same here was tried: an idle daemon
# polling often makes libGammu's dummy driver look for files at all 5 x 9,999 locations on every
# poll, which costs more than the start-up it would leave out.) The clock stops at the commit of
# the last message stored, read afterwards from PostgreSQL's commit timestamps: the loop that
# watches the database sees it only at its next look (0.1 s sleeps and a psql start each), which
# in a half-second run would be a third of the time; that later time is printed too. The mix: 7 in
# 10 single SMS (a LAPOR! report cut to at most 150 characters; one SMS), 3 in 10 a whole report as
# a concatenated SMS of 2 to 5 parts (longer reports are passed over so that 10,000 messages fit
# the two folders' 19,998 parts); one distinct sender per message. tests/bench/stage.c writes
# them with the project's modem_dummy_inject, and the same files go to all three programs.
#
# The latency run starts the daemon on an empty modem (poll_interval 1.0 s, the default) and
# writes one message every 50 ms for 30 s into sms/1 while it runs, logging when each landed.
#
# Results: a markdown table printed at the end and written to /tmp/lapor-bench-results-*.md.
set -euo pipefail

SIZES="1000 10000"
QUICK=0 PERF=0 PEER=1 FSYNC=on ONLY_THROUGHPUT=0 ONLY_LATENCY=0
LAT_S=30 PGB_S=15 SEND_N=${SEND_N:-1000} ONLY_SEND=0
CMDLINE="bash tests/bench/bench.sh $*"
while [ $# -gt 0 ]; do
    case $1 in
        --sizes) SIZES=$2; shift 2 ;;
        --quick) QUICK=1; shift ;;
        --perf) PERF=1; shift ;;
        --no-peer) PEER=0; shift ;;
        --fsync) FSYNC=$2; shift 2 ;;
        --throughput-only) ONLY_THROUGHPUT=1 PEER=0; shift ;;
        --latency-only) ONLY_LATENCY=1 PEER=0 SIZES=; shift ;;
        --send-only) ONLY_SEND=1 PEER=0 SIZES=; shift ;;
        *) sed -n '2,22p' "$0" >&2; exit 2 ;;
    esac
done
if [ "$QUICK" = 1 ]; then
    case " $CMDLINE " in *" --sizes "*) ;; *) SIZES=1000 ;; esac
    LAT_S=10 PGB_S=5
fi

LAPOR_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${LAPOR_BIN:-$LAPOR_SRC/build}
SMSD=$BUILD/lapor-smsd
SMSCTL=$BUILD/lapor-smsctl
TSV=${LAPOR_DATA_TSV:-$LAPOR_SRC/../shared/data/lapor-reports-2017.tsv}
# The daemon's default batch, read from the example configuration (unit.test_conf holds it to the
# defaults), for the database limit's batches.
BATCH=$(sed -n 's/^batch_size = \([0-9]*\);.*/\1/p' "$LAPOR_SRC/conf/lapor-smsd.conf")
PEER_SCRIPT=${PEER_SCRIPT:-$LAPOR_SRC/../shared/peer/gammu-smsd-bench.sh}
RUN_TIMEOUT=${RUN_TIMEOUT:-600}
[ -f "$TSV" ] || { echo "bench: $TSV is absent: the message mix comes from it; nothing measured" >&2; exit 1; }
for f in "$SMSD" "$SMSCTL" "$BUILD/liblapor_core.a" "$BUILD/liblapor_pure.a"; do
    [ -e "$f" ] || { echo "bench: $f missing: build first (cmake -S . -B build && cmake --build build)" >&2; exit 1; }
done
command -v pgbench >/dev/null || { echo "bench: pgbench missing (apt-get install postgresql-contrib or postgresql-client)" >&2; exit 1; }

# shellcheck source=../lib/pg.sh
. "$LAPOR_SRC/tests/lib/pg.sh"
W=$(mktemp -d /tmp/lapor-bench.XXXXXX)
chmod 755 "$W"
RESULTS=/tmp/lapor-bench-results-$(date +%Y%m%d-%H%M%S).md
DAEMON_PID=
PERF_PID=

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
now() { date +%s.%N; }
calc() { awk "BEGIN{printf \"%.${2:-1}f\", $1}"; }
q() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -F ' ' -d "$1" -c "$2"; }

daemon_stop() {
    [ -n "$DAEMON_PID" ] || return 0
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=
}
cleanup() {
    [ -n "$PERF_PID" ] && kill -INT "$PERF_PID" 2>/dev/null || true
    daemon_stop
    pg_stop fast || true
    [ -n "${KEEP:-}" ] && echo "kept $W" >&2 || rm -rf "$W"
}
trap cleanup EXIT

# ---- tools: the stager and the modem limit, linked against the project's static libraries ----
mkdir -p "$W/bin"
for tool in stage modem_limit; do
    # shellcheck disable=SC2046
    cc -O2 -Wall -I"$LAPOR_SRC/include" -o "$W/bin/$tool" "$LAPOR_SRC/tests/bench/$tool.c" \
        "$BUILD/liblapor_core.a" "$BUILD/liblapor_pure.a" $(pkg-config --libs gammu libpq libconfig)
done
STAGE=$W/bin/stage

# ---- PostgreSQL: pg.sh's private cluster, restarted durable unless --fsync off, and keeping
# each commit's time (track_commit_timestamp), from which the intake's end is read exactly ----
say "starting PostgreSQL (fsync $FSYNC)"
pg_start "$W/pg"
pg_stop fast
PG_OPTS="-p $PGPORT -k $PG_DIR/sock -c listen_addresses='' -c track_commit_timestamp=on"
[ "$FSYNC" = on ] || PG_OPTS="$PG_OPTS -c fsync=off"
pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 60 -o "$PG_OPTS" \
    start >/dev/null
PG_VERSION=$("$PG_BIN/postgres" -V | awk '{print $3}')

newdb() { # newdb NAME: a database with the schema
    q postgres "CREATE DATABASE $1" >/dev/null
    write_conf "$1" "$W/none" "$W/conf-$1"
    "$SMSCTL" -c "$W/conf-$1" migrate >/dev/null
}
write_conf() { # write_conf DB DEVICE FILE [POLL_INTERVAL]
    cat >"$3" <<EOF
instance = "bench";
modem = { connection = "none"; model = "dummy"; device = "$2"; pin = ""; };
database = "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$1";
poll_interval = ${4:-1.0};
# The benchmark runs as root, as gammu-smsd's does beside it.
allow_root = true;
log = { level = "${BENCH_LOG_LEVEL:-info}"; };
${BENCH_CONF_EXTRA:-}
EOF
}

# proc_cpu PID: utime+stime in seconds; proc_hwm PID: VmHWM in kB.
TCK=$(getconf CLK_TCK)
proc_cpu() { [ -r "/proc/$1/stat" ] && awk -v t="$TCK" '{sub(/.*\) /, ""); printf "%.2f", ($12 + $13) / t}' "/proc/$1/stat" || echo 0; }
proc_sys() { [ -r "/proc/$1/stat" ] && awk -v t="$TCK" '{sub(/.*\) /, ""); printf "%.2f", $13 / t}' "/proc/$1/stat" || echo 0; }
proc_hwm() { awk '/^VmHWM/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
worker_of() { cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}'; }
# The daemon's main connection names itself lapor-smsd (its webhook sender has one of its own).
backend_of() { q "$1" "SELECT pid FROM pg_stat_activity WHERE datname = '$1' AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND application_name IN ('lapor-smsd', '') LIMIT 1"; }

declare -A R # results by key

# wait_connected DB: until the daemon's heartbeat says its modem is connected (30 s at most).
wait_connected() {
    local t0=$SECONDS
    until [ "$(q "$1" "SELECT coalesce(bool_or(modem_connected), false) FROM heartbeat")" = t ]; do
        sleep 0.05
        [ $((SECONDS - t0)) -lt 30 ] || { say "the daemon never connected"; return 1; }
    done
}

# ---- throughput: N messages waiting on the modem before the daemon starts ----
run_ours() { # run_ours N
    local n=$1 db=b$1 dev=$W/modem-$1 t0 t_in= t_out= t_commit st in pend w= be= sent
    newdb "$db"
    "$STAGE" place --out "$W/stage-$n" --device "$dev" >/dev/null
    write_conf "$db" "$dev" "$W/conf-$db"
    say "ours: $n messages (${R[$n.parts]} parts) waiting; starting lapor-smsd"
    t0=$(now)
    "$SMSD" -f -c "$W/conf-$db" >"$W/daemon-$db.log" 2>&1 &
    DAEMON_PID=$!
    while :; do
        st=$(q "$db" "SELECT count(*) FILTER (WHERE state <> 'open'),
                       (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')) FROM sms_in")
        read -r in pend <<<"$st"
        [ -z "$t_in" ] && [ "$in" -ge "$n" ] && t_in=$(now)
        if [ -n "$t_in" ] && [ "$pend" -eq 0 ]; then t_out=$(now); break; fi
        [ -z "$w" ] && w=$(worker_of "$DAEMON_PID")
        [ -z "$be" ] && be=$(backend_of "$db")
        if [ "$PERF" = 1 ] && [ -z "$PERF_PID" ] && [ "$n" = "$MAX_N" ] && [ -n "$w" ] && [ -n "$be" ]; then
            perf record -q -g -F 499 -o "$W/perf.data" -p "$DAEMON_PID,$w,$be" >/dev/null 2>&1 &
            PERF_PID=$!
        fi
        if ! kill -0 "$DAEMON_PID" 2>/dev/null || [ "$(calc "(($(now) - $t0) > $RUN_TIMEOUT)" 0)" = 1 ]; then
            say "ours: died or timed out at $in messages, $pend replies pending"; tail -n 20 "$W/daemon-$db.log" >&2; return 1
        fi
        sleep 0.1
    done
    if [ -n "$PERF_PID" ]; then kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true; PERF_PID=; fi
    [ -z "$w" ] && w=$(worker_of "$DAEMON_PID")
    R[$n.hwm_d]=$(proc_hwm "$DAEMON_PID") R[$n.hwm_w]=$(proc_hwm "${w:-0}")
    R[$n.cpu_d]=$(proc_cpu "$DAEMON_PID") R[$n.cpu_w]=$(proc_cpu "${w:-0}") R[$n.cpu_pg]=$(proc_cpu "${be:-0}") R[$n.sys_pg]=$(proc_sys "${be:-0}")
    daemon_stop
    sent=$(q "$db" "SELECT count(*) FROM outbox WHERE status = 'sent'")
    R[$n.left]=$(find "$dev/sms" -type f | wc -l)
    # The intake ends with the commit of the last message stored; the loop above sees it only
    # at its next look (every 0.1 s and a psql start), which is kept as t_in_polled.
    t_commit=$(q "$db" "SELECT extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) FROM sms_in")
    R[$n.t_in_polled]=$(calc "$t_in - $t0" 2)
    R[$n.t_in]=$(calc "$t_commit - $t0" 2) R[$n.t_out]=$(calc "$t_out - $t0" 2)
    R[$n.in_rate]=$(calc "$n / (${R[$n.t_in]})")
    R[$n.in_parts_rate]=$(calc "${R[$n.parts]} / (${R[$n.t_in]})")
    R[$n.out_rate]=$(calc "$sent / (${R[$n.t_out]})")
    R[$n.sent]=$sent
    say "ours: $n messages in ${R[$n.t_in]} s (seen at ${R[$n.t_in_polled]} s; ${R[$n.in_rate]} msg/s, ${R[$n.in_parts_rate]} parts/s);" \
        "$sent replies sent by ${R[$n.t_out]} s; rss ${R[$n.hwm_d]}+${R[$n.hwm_w]} kB;" \
        "cpu daemon ${R[$n.cpu_d]} s, worker ${R[$n.cpu_w]} s, its PostgreSQL backend ${R[$n.cpu_pg]} s"
}

# ---- sending alone: SEND_N queued replies, as the peer script's SEND phase ----
run_send() {
    local db=bsend dev=$W/modem-send t0 c=0 w= be=
    newdb "$db"
    mkdir -p "$dev"
    q "$db" "INSERT INTO outbox (kind, destination, text)
             SELECT 'operator', '+628130' || lpad(g::text, 7, '0'),
                    'Terima kasih, laporan ' || g || ' sudah kami terima.'
               FROM generate_series(1, $SEND_N) g"
    write_conf "$db" "$dev" "$W/conf-$db"
    t0=$(now)
    "$SMSD" -f -c "$W/conf-$db" >"$W/daemon-$db.log" 2>&1 &
    DAEMON_PID=$!
    while [ "$c" -lt "$SEND_N" ]; do
        sleep 0.1
        c=$(q "$db" "SELECT count(*) FROM outbox WHERE status = 'sent'")
        kill -0 "$DAEMON_PID" 2>/dev/null || { say "send: daemon died"; return 1; }
        [ -z "$w" ] && w=$(worker_of "$DAEMON_PID")
        [ -z "$be" ] && be=$(backend_of "$db")
    done
    R[send.t]=$(calc "$(now) - $t0" 2)
    R[send.cpu]="$(proc_cpu "$DAEMON_PID") / $(proc_cpu "${w:-0}") / $(proc_cpu "${be:-0}")"
    daemon_stop
    R[send.rate]=$(calc "$SEND_N / ${R[send.t]}")
    say "ours: sending alone: $SEND_N replies in ${R[send.t]} s (${R[send.rate]}/s), cpu daemon / worker / backend ${R[send.cpu]} s"
}

# ---- latency at a steady 20 messages a second ----
run_latency() {
    local db=blat dev=$W/modem-lat m in pend t0 row
    newdb "$db"
    mkdir -p "$dev"
    write_conf "$db" "$dev" "$W/conf-$db"
    "$SMSD" -f -c "$W/conf-$db" >"$W/daemon-$db.log" 2>&1 &
    DAEMON_PID=$!
    wait_connected "$db" || return 1
    say "latency: 20 messages/s for $LAT_S s into a running daemon (poll_interval 1.0 s)"
    "$STAGE" drip --out "$W/stage-lat" --device "$dev" --rate 20 --seconds "$LAT_S" \
        --log "$W/drip.log" >"$W/drip.out"
    m=$(wc -l <"$W/drip.log")
    t0=$SECONDS
    while :; do
        read -r in pend <<<"$(q "$db" "SELECT count(*) FILTER (WHERE state <> 'open'),
                 (SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')) FROM sms_in")"
        [ "$in" -ge "$m" ] && [ "$pend" -eq 0 ] && break
        [ $((SECONDS - t0)) -lt 120 ] || { say "latency: not drained after 120 s ($in/$m, $pend pending)"; return 1; }
        sleep 0.2
    done
    daemon_stop
    q "$db" "CREATE TABLE bench_land (sender text, parts int, landed double precision)"
    "$PG_BIN/psql" -X -qAt -d "$db" -c "\\copy bench_land FROM '$W/drip.log'"
    # The reply's time: outbox.sent_at, or its last part's updated_at when the row has none.
    row=$(q "$db" "WITH l AS (
            SELECT l.parts, extract(epoch FROM s.closed_at) - l.landed AS stored,
                   extract(epoch FROM coalesce(o.sent_at, (SELECT max(p.updated_at) FROM outbox_part p
                       WHERE p.outbox_id = o.id AND p.status = 'sent'))) - l.landed AS replied
              FROM bench_land l
              JOIN sms_in s ON s.sender = l.sender AND s.state = 'complete'
              JOIN outbox o ON o.sms_in_id = s.id AND o.kind = 'received' AND o.status = 'sent')
          SELECT count(*),
                 round(percentile_cont(0.5) WITHIN GROUP (ORDER BY replied)::numeric * 1000),
                 round(percentile_cont(0.99) WITHIN GROUP (ORDER BY replied)::numeric * 1000),
                 round(max(replied)::numeric * 1000),
                 round(percentile_cont(0.5) WITHIN GROUP (ORDER BY stored)::numeric * 1000),
                 round(percentile_cont(0.99) WITHIN GROUP (ORDER BY stored)::numeric * 1000)
            FROM l")
    read -r R[lat.n] R[lat.p50] R[lat.p99] R[lat.max] R[lat.s50] R[lat.s99] <<<"$row"
    R[lat.sent]=$m
    say "latency: ${R[lat.n]}/$m replies; reply p50 ${R[lat.p50]} ms, p99 ${R[lat.p99]} ms, max ${R[lat.max]} ms;" \
        "stored p50 ${R[lat.s50]} ms, p99 ${R[lat.s99]} ms"
}

# ---- the modem's limit: read and delete only, through the modem module ----
run_modem_limit() { # run_modem_limit N
    local n=$1 line
    for mode in in-process worker; do
        rm -rf "$W/modem-lim"
        "$STAGE" place --out "$W/stage-$n" --device "$W/modem-lim" >/dev/null
        if [ "$mode" = worker ]; then
            line=$("$W/bin/modem_limit" "$W/modem-lim" --worker "$SMSD")
        else
            line=$("$W/bin/modem_limit" "$W/modem-lim")
        fi
        R[$n.modem_$mode]=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$line")
        say "modem limit ($mode), $n messages: $line"
    done
    rm -rf "$W/modem-lim"
}

# ---- the database's limit: pgbench on the per-message statements ----
run_pgbench() {
    local db=bpgb clients
    newdb "$db"
    for clients in 1 "$(nproc)"; do
        R[pgb.$clients]=$(pgbench -n -M prepared -c "$clients" -j "$clients" -T "$PGB_S" \
            -f "$LAPOR_SRC/tests/bench/per_message.sql" "$db" 2>"$W/pgbench.err" |
            sed -n 's/^tps = \([0-9]*\.[0-9]\).*/\1/p')
        [ -n "${R[pgb.$clients]}" ] || { cat "$W/pgbench.err" >&2; return 1; }
        say "database limit: pgbench per_message.sql, $clients client(s), ${PGB_S} s: ${R[pgb.$clients]} transactions/s"
    done
    # The daemon commits a batch, not a message: a full batch of single complaints, one call for
    # all of them and one statement for their replies, in one transaction (1 client, as the
    # daemon). Written here, from per_message.sql's statements, with BATCH distinct senders.
    local tps
    per_batch_sql "$BATCH" >"$W/per_batch.sql"
    tps=$(pgbench -n -M prepared -T "$PGB_S" -f "$W/per_batch.sql" "$db" 2>"$W/pgbench.err" |
        sed -n 's/^tps = \([0-9]*\.[0-9]\).*/\1/p')
    [ -n "$tps" ] || { cat "$W/pgbench.err" >&2; return 1; }
    R[pgb.batch]=$(calc "$tps * $BATCH")
    say "database limit: pgbench, batches of $BATCH single complaints, 1 client: $tps transactions/s = ${R[pgb.batch]} messages/s"
}

# per_batch_sql B: a pgbench script storing B single complaints and queueing their replies in one
# transaction, with the statements and texts of per_message.sql, for B senders at once.
per_batch_sql() {
    local b=$1
    local body="'Jalan rusak parah di depan pasar sejak tiga bulan, banyak pengendara motor jatuh. Mohon segera diperbaiki oleh dinas PU. '"
    # arr EXPR: an array of EXPR for each row, @ standing for the row's number (0 to b-1). Made by
    # the server, so that each array names pgbench's :r once: pgbench takes at most 255 variables
    # in one statement.
    arr() { printf 'ARRAY(SELECT %s FROM generate_series(0, %d) g ORDER BY g)' "${1//@/g}" $((b - 1)); }
    local sender="'+62' || (:r::bigint * 1000 + @)"
    echo '\set r random(100000, 999999999)'
    echo 'BEGIN;'
    printf '%s' "SELECT array_agg(complaint_id ORDER BY ord) AS cids, array_agg(msg_id ORDER BY ord) AS mids FROM intake_batch('bench', 'daemon-' || 'bench', 3600, 600, 5, 3600, "
    printf '%s, ' "$(arr "$sender")" "$(arr "$sender")" "$(arr "'+6281100000'")" \
        "$(arr "extract(epoch FROM now())::double precision")" "$(arr "'gsm7'")" \
        "$(arr "NULL::smallint")" "$(arr "'text'")" "$(arr "''")" "$(arr "repeat('0041', 140)")" \
        "$(arr "$body || ($sender)")" "$(arr "NULL::int")" "$(arr "NULL::int")" \
        "$(arr "NULL::int")" "$(arr "$body || ($sender)")" "$(arr "false")" "$(arr "'JALAN'")" \
        "$(arr "true")"
    printf '%s) \\gset\n' "ARRAY[]::bigint[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::boolean[], ARRAY[]::boolean[], ARRAY[]::text[], ARRAY[]::boolean[], ARRAY[]::int[]"
    printf '%s\n' "INSERT INTO outbox (complaint_id, sms_in_id, kind, destination, text, via_instance) SELECT u.complaint_id, u.sms_in_id, 'received', u.destination, 'LAPOR! Terima kasih, laporan Anda diterima. No tiket #' || u.complaint_id || '. Cek status: ketik CEK ' || u.complaint_id || ' kirim ke 1708', 'bench' FROM unnest(:cids::bigint[], :mids::bigint[], $(arr "$sender")) AS u(complaint_id, sms_in_id, destination) ON CONFLICT (sms_in_id, kind) WHERE sms_in_id IS NOT NULL DO NOTHING;"
    echo 'COMMIT;'
}

# ---- the peer: Debian's gammu-smsd on the same files ----
run_peer() { # run_peer N SEND
    local n=$1 send=$2 out
    out=$(env -u PGPORT -u PGHOST -u PGUSER -u PGDATABASE -u LAB \
        bash "$PEER_SCRIPT" --stage "$W/stage-$n" --send "$send" 2>"$W/peer-$n.err") || {
        say "peer: gammu-smsd-bench.sh failed"; tail -n 5 "$W/peer-$n.err" >&2; return 0; }
    local recv sendl
    recv=$(grep '^RECV ' <<<"$out" | tail -n 1)
    sendl=$(grep '^SEND ' <<<"$out" | tail -n 1 || true)
    R[$n.peer_rate]=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$recv")
    R[$n.peer_rss]=$(sed -n 's/.* peak_rss_kb=\([0-9?]*\).*/\1/p' <<<"$recv")
    R[$n.peer_rows]=$(sed -n 's/.* rows=\([0-9]*\).*/\1/p' <<<"$recv")
    R[peer.version]=$(grep '^== gammu-smsd' <<<"$out" | awk '{print $3}' | tr -d ,)
    if [ -n "$sendl" ]; then
        R[peer.send_rate]=$(sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$sendl")
        R[peer.send_rss]=$(sed -n 's/.* peak_rss_kb=\([0-9?]*\).*/\1/p' <<<"$sendl")
    fi
    say "peer: $recv${sendl:+; $sendl}"
}

# ---- the runs ----
T_START=$(now)
MAX_N=0
for n in $SIZES; do
    [ "$n" -gt "$MAX_N" ] && MAX_N=$n
    line=$("$STAGE" gen --tsv "$TSV" --n "$n" --out "$W/stage-$n")
    R[$n.parts]=$(sed -n 's/.* parts=\([0-9]*\).*/\1/p' <<<"$line")
    say "staged $n messages: $line"
done
"$STAGE" gen --tsv "$TSV" --n $((LAT_S * 20)) --out "$W/stage-lat" --first-sender 6281300000001 >/dev/null
for n in $SIZES; do run_ours "$n"; done
if [ "$ONLY_THROUGHPUT" = 1 ]; then
    for n in $SIZES; do
        echo "throughput $n: ${R[$n.in_parts_rate]} parts/s (${R[$n.t_in]} s, seen at ${R[$n.t_in_polled]} s), replies ${R[$n.t_out]} s, cpu ${R[$n.cpu_d]} / ${R[$n.cpu_w]} / ${R[$n.cpu_pg]} (of it in the kernel: ${R[$n.sys_pg]})"
    done
    exit 0
fi
if [ "$ONLY_LATENCY" = 1 ]; then
    run_latency
    echo "latency: reply p50 ${R[lat.p50]} ms, p99 ${R[lat.p99]} ms, max ${R[lat.max]} ms; stored p50 ${R[lat.s50]} ms, p99 ${R[lat.s99]} ms"
    exit 0
fi
run_send
if [ "$ONLY_SEND" = 1 ]; then
    echo "sending alone: $SEND_N replies in ${R[send.t]} s, ${R[send.rate]} replies/s, cpu daemon / worker / backend ${R[send.cpu]} s"
    exit 0
fi
run_latency
for n in $SIZES; do run_modem_limit "$n"; done
run_pgbench
PEER_SEND=$SEND_N
if [ "$PEER" = 1 ]; then
    for n in $SIZES; do run_peer "$n" "$PEER_SEND"; PEER_SEND=0; done
fi
PERF_TXT=
if [ "$PERF" = 1 ] && [ -f "$W/perf.data" ]; then
    PERF_TXT=$(perf report -i "$W/perf.data" --stdio --no-children -g none --sort comm,dso 2>/dev/null |
        grep -v '^#' | grep -v '^$' | head -n 15 || true)
    PERF_SYM=$(perf report -i "$W/perf.data" --stdio --no-children -g none --sort comm,sym 2>/dev/null |
        grep -E '^ +[0-9]' | head -n 20 || true)
fi
T_ALL=$(calc "$(now) - $T_START" 0)

# ---- the table ----
ratio() { [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ] && calc "$1 / $2" 2 || echo "n/a"; }
{
    echo "# lapor-smsd benchmark, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem/{print $2}') GB"
    echo "- command: \`$CMDLINE\` (in $LAPOR_SRC), total ${T_ALL} s"
    echo "- lapor-smsd $("$SMSD" -V | awk '{print $2}'), git $(git -C "$LAPOR_SRC" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$LAPOR_SRC" diff --quiet 2>/dev/null || echo ' (working tree modified)'); PostgreSQL $PG_VERSION, fsync $FSYNC; gammu-smsd ${R[peer.version]:-not run}"
    echo "- daemon configuration: dummy modem, poll_interval 1.0 s (default), batch_size $BATCH (the default), all other keys default; log level info to a file"
    echo "- mix: 7/10 single SMS (report cut to <=150 chars), 3/10 whole reports as 2-5 part SMS; distinct senders; all files in sms/1 + sms/3 before the start"
    echo
    echo "## Throughput (messages waiting before the start; time from exec of the daemon to the commit of the last message stored, read from PostgreSQL's commit timestamps; in brackets when the polling loop saw it)"
    echo
    echo "| N msgs | parts | in: s (seen at, polled) | in msg/s | in parts/s | replies sent | all replied: s | replies/s (from start) | peak RSS daemon+worker kB | CPU s daemon / worker / PG backend | left on modem |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
    for n in $SIZES; do
        echo "| $n | ${R[$n.parts]} | ${R[$n.t_in]} (${R[$n.t_in_polled]}) | ${R[$n.in_rate]} | ${R[$n.in_parts_rate]} | ${R[$n.sent]} | ${R[$n.t_out]} | ${R[$n.out_rate]} | ${R[$n.hwm_d]} + ${R[$n.hwm_w]} = $((R[$n.hwm_d] + R[$n.hwm_w])) | ${R[$n.cpu_d]} / ${R[$n.cpu_w]} / ${R[$n.cpu_pg]} | ${R[$n.left]} |"
    done
    echo
    echo "Sending alone ($SEND_N queued single-SMS replies, empty modem, as the peer's SEND phase): ${R[send.t]} s, **${R[send.rate]} replies/s**."
    echo
    echo "## Latency at a steady 20 messages/s for ${LAT_S} s (poll_interval 1.0 s)"
    echo
    echo "Reply time = outbox.sent_at (or its last sent part's updated_at) minus the moment the message's last file landed in sms/1."
    echo
    echo "| messages | replied | reply p50 ms | reply p99 ms | reply max ms | stored p50 ms | stored p99 ms |"
    echo "|---|---|---|---|---|---|---|"
    echo "| ${R[lat.sent]} | ${R[lat.n]} | ${R[lat.p50]} | ${R[lat.p99]} | ${R[lat.max]} | ${R[lat.s50]} | ${R[lat.s99]} |"
    echo
    echo "(\"stored\" uses sms_in.closed_at, the start time of the intake transaction that completed the message.)"
    echo
    echo "## Against gammu-smsd and the limits"
    echo
    echo "Receive rates compare parts/s: gammu-smsd's figure is inbox rows (one per part) per second, timed from moving the files in while it idles until its polling loop (0.1 s sleeps, a psql each) sees them all; ours is timed to its last commit, which our own polling loop sees up to 0.1 s and a psql later (the bracketed time above). Limits: modem = tests/bench/modem_limit (read+delete through the modem module, no database), converted to msg/s with this run's parts per message; database = pgbench with the daemon's statements for single-SMS complaints: per_message.sql (one message a transaction) and a batch of $BATCH in one transaction, as the daemon commits them; 1 client like the daemon. The batch is of single complaints only, which cost the database less than the mix's concatenated messages, so the second ratio understates ours."
    echo
    echo "| N | ours parts/s | gammu-smsd parts/s | ours / gammu-smsd | gammu-smsd peak RSS kB | modem limit parts/s in-process / via worker | db limit msg/s: one message a transaction (1 client / $(nproc)), batches of $BATCH (1 client) | ours msg/s / lower limit, the database's per message; per batch |"
    echo "|---|---|---|---|---|---|---|---|"
    for n in $SIZES; do
        ml=$(calc "${R[$n.modem_in-process]} * $n / ${R[$n.parts]}")
        low=$(awk -v a="$ml" -v b="${R[pgb.1]}" 'BEGIN{print (a < b) ? a : b}')
        lowb=$(awk -v a="$ml" -v b="${R[pgb.batch]}" 'BEGIN{print (a < b) ? a : b}')
        echo "| $n | ${R[$n.in_parts_rate]} | ${R[$n.peer_rate]:-n/a} | $(ratio "${R[$n.in_parts_rate]}" "${R[$n.peer_rate]:-}") | ${R[$n.peer_rss]:-n/a} | ${R[$n.modem_in-process]} / ${R[$n.modem_worker]} | ${R[pgb.1]} / ${R[pgb.$(nproc)]}, ${R[pgb.batch]} | ${R[$n.in_rate]} / $low = $(ratio "${R[$n.in_rate]}" "$low"); ${R[$n.in_rate]} / $lowb = $(ratio "${R[$n.in_rate]}" "$lowb") |"
    done
    echo
    echo "Send: ours ${R[send.rate]} replies/s, gammu-smsd ${R[peer.send_rate]:-n/a} ($SEND_N queued, peak RSS ${R[peer.send_rss]:-n/a} kB): ours / gammu-smsd = $(ratio "${R[send.rate]}" "${R[peer.send_rate]:-}")."
    if [ -n "$PERF_TXT" ]; then
        echo
        echo "## perf (daemon + modem worker + PostgreSQL backend, N=$MAX_N run)"
        echo
        echo '```'
        echo "$PERF_TXT"
        echo
        echo "$PERF_SYM"
        echo '```'
    fi
} >"$RESULTS"
echo
cat "$RESULTS"
echo
echo "results written to $RESULTS"
