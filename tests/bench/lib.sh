# shellcheck shell=bash
# What the benchmark scripts share. Sourced; bench_init first, or set LAPOR_SRC, BUILD, W and
# source pg.sh as bench_init would.
#
#   bench_init NAME      LAPOR_SRC, BUILD (LAPOR_BIN), TSV (LAPOR_DATA_TSV), pg.sh's functions,
#                        and a work folder W (/tmp/lapor-NAME.*); exits when the texts are absent
#   bench_tool NAME      tests/bench/NAME.c compiled into $W/bin/NAME against the build
#   bench_pg_profiled    pg.sh's private cluster under $W/pg, with pg_stat_statements and
#                        auto_explain loaded (auto_explain does nothing until told to)
#   bench_conf INST DB FILE   a configuration in FILE for a daemon named INST on the dummy
#                        modem in $W/modem and the database of connection string DB
#   bench_migrated INST  bench_conf's $W/conf for the started cluster, whose schema it migrates
#                        with $BUILD's lapor-smsctl
#   say TEXT             a timestamped line on stderr

say() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

bench_init() {
    LAPOR_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    BUILD=${LAPOR_BIN:-$LAPOR_SRC/build}
    TSV=${LAPOR_DATA_TSV:-$LAPOR_SRC/../shared/data/lapor-reports-2017.tsv}
    if [ ! -f "$TSV" ]; then
        echo "$1: $TSV is absent: the texts come from it; nothing measured" >&2
        exit 1
    fi
    # shellcheck source=../lib/pg.sh
    . "$LAPOR_SRC/tests/lib/pg.sh"
    W=$(mktemp -d "/tmp/lapor-$1.XXXXXX")
    chmod 755 "$W"
    mkdir -p "$W/bin"
}

bench_tool() {
    # shellcheck disable=SC2046
    cc -O2 -Wall -I"$LAPOR_SRC/include" -o "$W/bin/$1" "${2:-$LAPOR_SRC/tests/bench/$1.c}" \
        "$BUILD/liblapor_core.a" "$BUILD/liblapor_pure.a" $(pkg-config --libs gammu libpq libconfig)
}

bench_conf() {
    cat >"$3" <<CONF
instance = "$1";
modem = { connection = "none"; model = "dummy"; device = "$W/modem"; pin = ""; };
database = "$2";
allow_root = true;
CONF
}

bench_migrated() {
    mkdir -p "$W/modem"
    bench_conf "$1" "$LAPOR_DB_CONNINFO" "$W/conf"
    "$BUILD/lapor-smsctl" -c "$W/conf" migrate >/dev/null
}

bench_pg_profiled() {
    pg_start "$W/pg"
    printf '%s\n' "shared_preload_libraries = 'pg_stat_statements,auto_explain'" \
        "pg_stat_statements.track = all" "max_wal_size = 4GB" >>"$PG_DIR/data/postgresql.conf"
    pg_stop fast
    pg_resume
    "$PG_BIN/psql" -X -qAt -c "CREATE EXTENSION pg_stat_statements" >/dev/null
}
