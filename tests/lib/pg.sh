# shellcheck shell=bash
# A private PostgreSQL cluster in a temporary folder, for tests, the demo and the benchmarks.
# initdb and postgres refuse to run as root, so as root they run as the postgres system user.
#
#   pg_start DIR     start a cluster under DIR; exports PGHOST PGPORT PGUSER and LAPOR_DB_CONNINFO
#   pg_stop [MODE]   stop it (fast by default; immediate for a crash)
#   pg_resume        start the stopped cluster again
#   pg_psql SQL      run SQL in database $PGDATABASE and print the rows unaligned

PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}

pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    PG_DIR=$1
    mkdir -p "$PG_DIR"
    chmod 755 "$PG_DIR"
    mkdir -p "$PG_DIR/data" "$PG_DIR/sock"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
        chown postgres: "$PG_DIR/data" "$PG_DIR/sock"
        touch "$PG_DIR/pg.log" && chown postgres: "$PG_DIR/pg.log"
    fi
    chmod 700 "$PG_DIR/data"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$PG_DIR/initdb.log" 2>&1 || {
        cat "$PG_DIR/initdb.log" >&2
        return 1
    }
    export PGHOST=$PG_DIR/sock PGPORT=5432 PGUSER=postgres
    pg_resume
    export PGDATABASE=${PGDATABASE:-lapor}
    "$PG_BIN/psql" -d postgres -qAtc "CREATE DATABASE $PGDATABASE" >/dev/null
    export LAPOR_DB_CONNINFO="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$PGDATABASE"
}

pg_resume() {
    # fsync is off because these clusters live only as long as a test; a test that kills
    # PostgreSQL kills the server, not the machine, so committed data still survives it.
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/pg.log" -w -t 60 \
        -o "-p $PGPORT -k $PG_DIR/sock -c listen_addresses='' -c fsync=off" start >/dev/null
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m "${1:-fast}" -w -t 60 stop >/dev/null 2>&1
}

pg_psql() {
    "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -F '|' -c "$1"
}
