#!/bin/bash
# bigdb.sh: lapor-smsd on a database holding years of complaints. A benchmark, not a test.
#
#   bash tests/bench/bigdb.sh [--n N] [--open M] [--messages K] [--rounds R] [--reuse DIR]
#
#   --n, --open  complaints to prefill, and how many of them still open (gen_bigdb.sql; default
#                100,000 and 20,000; the issue's size is --n 5000000 --open 1000000)
#   --messages   messages staged for each intake run (default 5,000)
#   --rounds     intake runs on each database (default 2, at most 5)
#   --reuse DIR  a cluster made by an earlier run with KEEP=1 (DIR/pg), generated already
#
# 1. Intake: the same K messages (the benchmark's mix from ../shared/data/, fresh senders each
#    run) into an empty database and into the prefilled one, alternately, R times each, in one
#    cluster; the ratio of the rates is the figure (absolute rates vary with the machine's load).
# 2. The periodic queries: pg_stat_statements reset, auto_explain on (every statement, nested
#    too, with ANALYZE), then the daemon runs 70 s on the prefilled database (multipart expiry
#    every second, the reminder scan, heartbeats, outbox polls) while 200 CEKs of tickets spread
#    over the years arrive and lapor-smsctl's status, metrics, overdue and ticket show run. Prints
#    every statement's calls, mean and max time, and the plans of those that took over 5 ms
#    (all plans: /tmp/lapor-bigdb-plans.log).
set -euo pipefail
N=100000 OPEN=20000 K=5000 ROUNDS=2 REUSE=
while [ $# -gt 0 ]; do
    case $1 in
        --n) N=$2; shift 2 ;;
        --open) OPEN=$2; shift 2 ;;
        --messages) K=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --reuse) REUSE=$2; shift 2 ;;
        *) sed -n '2,20p' "$0" >&2; exit 2 ;;
    esac
done
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_init bigdb
DAEMON=
q() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -F ' ' -d "$1" -c "$2"; }
daemon_stop() {
    [ -n "$DAEMON" ] || return 0
    kill -TERM "$DAEMON" 2>/dev/null || true
    wait "$DAEMON" 2>/dev/null || true
    DAEMON=
}
cleanup() {
    daemon_stop
    [ -f "${PG_DIR:-}/pg.log" ] && cp "$PG_DIR/pg.log" /tmp/lapor-bigdb-plans.log
    pg_stop fast || true
    [ -n "${KEEP:-}" ] && echo "kept $W" >&2 || rm -rf "$W"
}
trap cleanup EXIT

bench_tool stage

write_conf() { # write_conf DB FILE
    bench_conf bigdb "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$1" "$2"
}

# ---- the cluster: made and filled, or an earlier run's ----
if [ -n "$REUSE" ]; then
    PG_DIR=$REUSE/pg
    export PGHOST=$PG_DIR/sock PGPORT=5432 PGUSER=postgres PGDATABASE=lapor
    pg_resume
else
    bench_pg_profiled
fi
write_conf lapor "$W/conf-lapor"
"$BUILD/lapor-smsctl" -c "$W/conf-lapor" migrate >/dev/null
if [ -z "$REUSE" ]; then
    say "prefilling $N complaints ($OPEN open)"
    t0=$(date +%s)
    "$PG_BIN/psql" -X -q -d lapor -v n="$N" -v open="$OPEN" -v tsv="$TSV" \
        -f "$LAPOR_SRC/tests/bench/gen_bigdb.sql" >"$W/gen.out"
    say "prefilled in $(($(date +%s) - t0)) s"
fi
echo "prefilled database: $(q lapor "SELECT count(*) FROM complaint") complaints," \
    "$(q lapor "SELECT count(*) FROM complaint WHERE status NOT IN ('selesai', 'ditolak', 'dibatalkan', 'arsip')") open," \
    "$(q lapor "SELECT pg_size_pretty(pg_database_size('lapor'))")"
q postgres "DROP DATABASE IF EXISTS lapor_empty" >/dev/null 2>&1
q postgres "CREATE DATABASE lapor_empty" >/dev/null
write_conf lapor_empty "$W/conf-lapor_empty"
"$BUILD/lapor-smsctl" -c "$W/conf-lapor_empty" migrate >/dev/null

# ---- 1. intake, empty against prefilled ----
intake_run() { # intake_run DB SENDERS: prints parts per second
    local before parts t0 t1
    rm -rf "$W/modem" "$W/stage"
    "$W/bin/stage" gen --tsv "$TSV" --n "$K" --out "$W/stage" --first-sender "$2" >/dev/null
    "$W/bin/stage" place --out "$W/stage" --device "$W/modem" >/dev/null
    parts=$(find "$W/stage" -type f -name '[0-9]*' | wc -l)
    # Counted above the newest id, through the primary key: a count of the whole table, every
    # tenth of a second, would cost the prefilled database's run more than its intake does.
    before=$(q "$1" "SELECT coalesce(max(id), 0) FROM sms_in")
    t0=$(date +%s.%N)
    "$BUILD/lapor-smsd" -f -c "$W/conf-$1" >>"$W/daemon.log" 2>&1 &
    DAEMON=$!
    until [ "$(q "$1" "SELECT count(*) >= $K FROM sms_in WHERE id > $before")" = t ]; do
        sleep 0.1
    done
    t1=$(date +%s.%N)
    daemon_stop
    awk "BEGIN{printf \"%.0f\", $parts / ($t1 - $t0)}"
}
top_statements() { # top_statements N: the prefilled database's statements by total time
    "$PG_BIN/psql" -X -d lapor -c "SELECT calls, round(total_exec_time::numeric) AS total_ms,
            round(mean_exec_time::numeric, 2) AS mean_ms, round(max_exec_time::numeric, 2) AS max_ms,
            left(regexp_replace(query, '\s+', ' ', 'g'), 100) AS statement
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'lapor')
      ORDER BY $1 DESC LIMIT 25"
}
q lapor "SELECT pg_stat_statements_reset()" >/dev/null
RATES=()
# Senders never used before, in this run or an earlier one on a reused database: a sender seen
# before with the same text would be a resend, which costs less than a complaint.
SENDERS=$((628130000000000 + $(date +%s) % 10000 * 1000000))
for round in $(seq 1 "$ROUNDS"); do
    for db in lapor_empty lapor; do
        rate=$(intake_run "$db" "$((SENDERS + ${#RATES[@]} * 100000))")
        RATES+=("$rate")
        say "round $round, $db: $rate parts/s"
    done
done
# RATES alternates empty, prefilled; the ratio is of the sums.
echo "intake, parts/s (empty prefilled, per round): ${RATES[*]}; prefilled / empty" \
    "$(printf '%s\n' "${RATES[@]}" | awk 'NR % 2 { e += $1; next } { p += $1 } END { printf "%.2f", p / e }')"
echo "where the prefilled database's intake time went (all rounds):"
top_statements total_exec_time

# ---- 2. the periodic queries, CEK and the operator's commands on the prefilled database ----
# 200 tickets spread over the whole range get the senders of the staged CEKs.
q lapor "UPDATE complaint c SET sender = '+' || (6289900000000 + k.n)
           FROM (SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM complaint
                  WHERE id % greatest((SELECT count(*) FROM complaint) / 200, 1) = 0
                  ORDER BY id LIMIT 200) k
          WHERE c.id = k.id
      RETURNING c.sender || chr(9) || 'CEK ' || ticket_of(c.id)" >"$W/cek.tsv"
rm -rf "$W/modem"
mkdir -p "$W/modem"
q lapor "ALTER DATABASE lapor SET auto_explain.log_min_duration = 0" >/dev/null
q lapor "ALTER DATABASE lapor SET auto_explain.log_analyze = on" >/dev/null
q lapor "ALTER DATABASE lapor SET auto_explain.log_nested_statements = on" >/dev/null
q lapor "SELECT pg_stat_statements_reset()" >/dev/null
log_from=$(stat -c %s "$PG_DIR/pg.log")
"$BUILD/lapor-smsd" -f -c "$W/conf-lapor" >>"$W/daemon.log" 2>&1 &
DAEMON=$!
sleep 5
"$BUILD/lapor-smsctl" -c "$W/conf-lapor" inject --file "$W/cek.tsv" >/dev/null
for cmd in status metrics overdue "ticket show $(q lapor "SELECT ticket_of(min(id)) FROM complaint")" \
    "ticket show $(q lapor "SELECT ticket_of(max(id)) FROM complaint")"; do
    # shellcheck disable=SC2086
    "$BUILD/lapor-smsctl" -c "$W/conf-lapor" $cmd >/dev/null
done
sleep 65
daemon_stop
for s in log_min_duration log_analyze log_nested_statements; do
    q lapor "ALTER DATABASE lapor RESET auto_explain.$s" >/dev/null
done
echo "the periodic queries, CEK and the operator's commands, slowest first:"
top_statements max_exec_time
echo "CEKs sent: $(wc -l <"$W/cek.tsv"); status replies queued: $(q lapor "SELECT count(*) FROM outbox
        WHERE destination LIKE '+628990%' AND kind = 'status' AND created_at > now() - interval '3 minutes'")"
echo "plans of the statements over 5 ms (auto_explain):"
tail -c +"$((log_from + 1))" "$PG_DIR/pg.log" | awk '
    /duration: [0-9.]+ ms  plan:/ { split($0, a, "duration: "); ms = a[2] + 0; keep = ms > 5 }
    /^[0-9]{4}-/ && !/duration:/ { keep = 0 }
    keep { print }' | head -400
