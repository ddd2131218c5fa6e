#!/bin/bash
# profile_db.sh: where the database's time goes during intake. Stages N messages (the benchmark's
# mix, from ../shared/data/) on the dummy modem, runs the daemon on a private PostgreSQL with
# pg_stat_statements and auto_explain (plans of statements slower than 3 ms, nested ones too),
# until every message is stored (with --replies, until every reply is sent too), then prints the
# statements by total time. Not a test.
#
#   bash tests/bench/profile_db.sh [N] [--replies]   (N default 10000; needs build/ from setup.sh)
#
# The server's log, with auto_explain's plans, is copied to /tmp/lapor-profile-pg.log.
set -euo pipefail
N=${1:-10000}
UNTIL_REPLIED=false
[ "${2:-}" = --replies ] && UNTIL_REPLIED=true
LAPOR_SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${LAPOR_BUILD:-$LAPOR_SRC/build}
TSV=${LAPOR_DATA_TSV:-$LAPOR_SRC/../shared/data/lapor-reports-2017.tsv}
# shellcheck source=../lib/pg.sh
. "$LAPOR_SRC/tests/lib/pg.sh"
# shellcheck source=lib.sh
. "$LAPOR_SRC/tests/bench/lib.sh"
W=$(mktemp -d /tmp/lapor-profile.XXXXXX)
chmod 755 "$W"
DAEMON=
cleanup() {
    [ -z "$DAEMON" ] || kill -KILL "$DAEMON" 2>/dev/null || true
    [ -f "$W/pg/pg.log" ] && cp "$W/pg/pg.log" /tmp/lapor-profile-pg.log
    pg_stop fast || true
    rm -rf "$W"
}
trap cleanup EXIT

mkdir -p "$W/bin" "$W/modem"
# shellcheck disable=SC2046
cc -O2 -Wall -I"$LAPOR_SRC/include" -o "$W/bin/stage" "$LAPOR_SRC/tests/bench/stage.c" \
    "$BUILD/liblapor_core.a" "$BUILD/liblapor_pure.a" $(pkg-config --libs gammu libpq libconfig)

pg_start "$W/pg"
printf '%s\n' "shared_preload_libraries = 'pg_stat_statements,auto_explain'" \
    "auto_explain.log_min_duration = 3" "auto_explain.log_nested_statements = on" \
    "pg_stat_statements.track = all" >>"$W/pg/data/postgresql.conf"
pg_stop fast
pg_resume
pg_psql "CREATE EXTENSION pg_stat_statements" >/dev/null
bench_migrated profile
"$W/bin/stage" gen --tsv "$TSV" --n "$N" --out "$W/stage"
"$W/bin/stage" place --out "$W/stage" --device "$W/modem" >/dev/null
pg_psql "SELECT pg_stat_statements_reset()" >/dev/null

t0=$(date +%s.%N)
"$BUILD/lapor-smsd" -f -c "$W/conf" >"$W/daemon.log" 2>&1 &
DAEMON=$!
until [ "$(pg_psql "SELECT count(*) >= $N AND (NOT $UNTIL_REPLIED OR NOT EXISTS (SELECT 1
                      FROM outbox WHERE status IN ('queued', 'sending'))) FROM sms_in")" = t ]; do
    sleep 0.2
done
echo "$N messages stored$($UNTIL_REPLIED && echo ", their replies sent,") in $(echo "$(date +%s.%N) - $t0" | bc) s"
kill -TERM "$DAEMON"
wait "$DAEMON" || true
DAEMON=
"$PG_BIN/psql" -X -c "SELECT CASE WHEN toplevel THEN 'top' ELSE '' END AS called, calls,
        round(total_exec_time::numeric, 1) AS total_ms,
        round(mean_exec_time::numeric, 3) AS mean_ms,
        left(regexp_replace(query, '\s+', ' ', 'g'), 90) AS statement
   FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 24"
