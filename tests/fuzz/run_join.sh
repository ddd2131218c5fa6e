#!/usr/bin/env bash
# Runs the fuzz_join target against a private PostgreSQL: starts a cluster in a temporary folder
# (tests/lib/pg.sh; as root it runs as the postgres user), hands its connection string to the
# target, which migrates the schema itself, and stops the cluster however the run ends.
#
#   bash tests/fuzz/run_join.sh FUZZ_JOIN [libFuzzer arguments...]
#
# The exit status is the fuzzer's, except that libFuzzer's own "found a crash" (77 by default)
# becomes 1: CTest must not take it for a skipped test.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
fuzzer=$1
shift

# shellcheck source-path=SCRIPTDIR source=../lib/pg.sh
. "$src/tests/lib/pg.sh"
if [ ! -x "$PG_BIN/initdb" ]; then
    echo "run_join: no PostgreSQL server found under /usr/lib/postgresql" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/lapor-fuzz-join.XXXXXX)
chmod 755 "$dir" # the cluster runs as postgres, which must reach its data folder
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
    pg_stop immediate || true
    if [ -n "${KEEP:-}" ]; then echo "kept $dir"; else rm -rf "$dir"; fi
}
trap cleanup EXIT
trap "exit 143" TERM INT # so that a CTest timeout still stops the cluster

# A database name of its own: the target empties its tables after every input.
export PGDATABASE=lapor_fuzz_join
pg_start "$dir/pg"
export LAPOR_FUZZ_JOIN_DB=$LAPOR_DB_CONNINFO

rc=0
"$fuzzer" "$@" || rc=$?
if [ "$rc" -eq 77 ]; then
    rc=1
fi
exit "$rc"
