#!/bin/bash
# intake_sql.sh: the database's share of the intake alone. Calls intake_batch() CALLS times with
# BATCH single SMS that are complaints (a new sender each), from one psql session on a private
# PostgreSQL (in /dev/shm, so that the disk does not add its noise), and prints the CPU seconds
# its backend used. An optional SQL statement runs after the migration (to drop an index, say).
# Not a test.
#
#   bash tests/bench/intake_sql.sh [CALLS] [BATCH] [SQL]   (default 400 calls of 50)
set -euo pipefail
CALLS=${1:-400}
BATCH=${2:-50}
TWEAK=${3:-}
LAPOR_SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${LAPOR_BUILD:-$LAPOR_SRC/build}
# shellcheck source=../lib/pg.sh
. "$LAPOR_SRC/tests/lib/pg.sh"
# shellcheck source=lib.sh
. "$LAPOR_SRC/tests/bench/lib.sh"
W=$(mktemp -d /dev/shm/lapor-intake-sql.XXXXXX)
chmod 755 "$W"
trap 'pg_stop fast || true; rm -rf "$W"' EXIT

pg_start "$W/pg"
bench_migrated bench
[ -z "$TWEAK" ] || pg_psql "$TWEAK" >/dev/null

# One call: BATCH parts whose senders are numbered from $1; each text is a complaint of its own.
call() {
    local n="ARRAY[$BATCH]" g="generate_series(1, $BATCH) g"
    local text="'Jalan di desa kami rusak sejak tahun lalu, mohon segera diperbaiki ' || md5(g::text || $1)"
    cat <<SQL
SELECT count(*) FROM intake_batch('bench', 'sms', 3600, 3600, 0, 86400,
  ARRAY(SELECT '+62811' || ($1 + g) FROM $g), ARRAY(SELECT '0811' || ($1 + g) FROM $g),
  array_fill('+62811000000'::text, $n),
  ARRAY(SELECT extract(epoch FROM now())::float8 + g FROM $g),
  array_fill('Default_No_Compression'::text, $n), array_fill(NULL::smallint, $n),
  array_fill('text'::text, $n), array_fill(NULL::text, $n), array_fill(NULL::text, $n),
  ARRAY(SELECT $text FROM $g),
  array_fill(NULL::int, $n), array_fill(NULL::int, $n), array_fill(NULL::int, $n),
  ARRAY(SELECT $text FROM $g),
  array_fill(false, $n), array_fill(NULL::text, $n), array_fill(true, $n),
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SQL
}
{
    echo '\o /dev/null'
    for ((i = 0; i < CALLS; i++)); do call $((i * BATCH)); done
    echo '\o'
    # utime and stime, fields 14 and 15 of /proc/PID/stat, counted after the ")" of its name.
    echo "SELECT 'backend CPU s: ' || round((split_part(s, ' ', 12)::int + split_part(s, ' ', 13)::int)
                 / 100.0, 2) FROM (SELECT regexp_replace(pg_read_file('/proc/self/stat'), '^.*\) ', '') AS s) t;"
} >"$W/calls.sql"
"$PG_BIN/psql" -X -qAt -v ON_ERROR_STOP=1 -f "$W/calls.sql"
echo "rows: $(pg_psql "SELECT count(*) FROM complaint") complaints of $((CALLS * BATCH)) SMS"
