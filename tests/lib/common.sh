# shellcheck shell=bash
# Shared set-up for the integration tests: a private PostgreSQL, a simulated (dummy) modem folder,
# a configuration for both, and the daemon under test. Each test sources this file.
set -euo pipefail

LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LAPOR_BIN=${LAPOR_BIN:-$LAPOR_SRC/build}
SMSD=$LAPOR_BIN/lapor-smsd
SMSCTL=$LAPOR_BIN/lapor-smsctl
# Every query the programs send is checked to be a compiled-in literal (include/sqlguard.h): a
# query put together at run time aborts the program, and so fails the test.
export LAPOR_SQL_GUARD=1
DATA_TSV=${LAPOR_DATA_TSV:-$LAPOR_SRC/../shared/data/lapor-reports-2017.tsv}
# shellcheck source=pg.sh
. "$LAPOR_SRC/tests/lib/pg.sh"
# shellcheck source=check.sh
. "$LAPOR_SRC/tests/lib/check.sh"

T=$(mktemp -d /tmp/lapor-test.XXXXXX)
chmod 755 "$T"
CONF=$T/lapor-smsd.conf
MODEM=$T/modem
DAEMON_LOG=$T/daemon.log
DAEMON_PID=

lab_cleanup() {
    local rc=$?
    daemon_kill
    pg_stop immediate || true
    if [ "$FAILED" -gt 0 ] || [ "$rc" -ne 0 ]; then
        if [ -f "$DAEMON_LOG" ]; then
            echo "--- last lines of the daemon's log ---"
            tail -n 40 "$DAEMON_LOG"
        fi
    fi
    [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap lab_cleanup EXIT

# write_conf [extra libconfig lines...]: a configuration for this lab.
write_conf() {
    {
        echo "instance = \"${INSTANCE:-test1}\";"
        if [ -n "${SIM:-}" ]; then
            # The AT modem simulator, driven by libGammu's own AT driver.
            echo "modem = { connection = \"proxyat\"; model = \"\"; pin = \"${SIM_PIN:-}\";"
            echo "          device = \"/usr/bin/python3 $LAPOR_SRC/tests/modemsim/atsim.py --dir $SIM ${SIM_ARGS:-}\";"
            echo "          timeout = ${MODEM_TIMEOUT:-5}; ${MODEM_EXTRA:-} };"
        else
            echo "modem = { connection = \"none\"; model = \"dummy\"; device = \"$MODEM\"; pin = \"\"; };"
        fi
        echo "database = \"$LAPOR_DB_CONNINFO\";"
        case " $* " in *"poll_interval"*) ;; *) echo "poll_interval = 0.2;" ;; esac
        # The tests run as root; t_security tests the drop to an unprivileged user.
        case " $* " in *"user ="*|*"allow_root"*) ;; *) echo "allow_root = true;" ;; esac
        for line in "$@"; do echo "$line"; done
    } >"$CONF"
    # A file with a PIN must not be readable by others, or the daemon refuses it.
    chmod 600 "$CONF"
}

# lab_init [extra conf lines...]: database with the schema, modem folder, configuration.
lab_init() {
    pg_start "$T/pg"
    mkdir -p "$MODEM"
    write_conf "$@"
    "$SMSCTL" -c "$CONF" migrate >/dev/null
}

daemon_start() {
    "$SMSD" -f -c "$CONF" "$@" >>"$DAEMON_LOG" 2>&1 &
    DAEMON_PID=$!
}

daemon_stop() {
    [ -n "$DAEMON_PID" ] || return 0
    kill -TERM "$DAEMON_PID" 2>/dev/null || true
    local rc=0
    wait "$DAEMON_PID" || rc=$?
    DAEMON_PID=
    return $rc
}

daemon_kill() {
    [ -n "$DAEMON_PID" ] || return 0
    kill -KILL "$DAEMON_PID" 2>/dev/null || true
    wait "$DAEMON_PID" 2>/dev/null || true
    DAEMON_PID=
}

inject() { # inject FROM TEXT [inject options...]
    local from=$1 text=$2
    shift 2
    "$SMSCTL" -c "$CONF" inject --from "$from" "$@" -- "$text" >/dev/null
}

q() { pg_psql "$1"; }
# How many lines of the daemon's log report a failed database statement: none on a healthy run,
# where a failure would be hidden by the reconnection and recovery that follow it.
db_errors_logged() { grep -cE '(warning|error): .*database: ' "$DAEMON_LOG" || true; }

# send_confirmed FROM TEXT TO: a command that changes a ticket (TL, SELESAI, TAMBAH, BATAL) sent
# from FROM, then the code the daemon sends back to TO (FROM as stored, +62...) answered with YA,
# as that phone would: the command acts only then. Returns once the YA is on its way in.
code_asked() { q "SELECT count(*) FROM outbox WHERE destination = '$1' AND kind = 'confirm_ask'"; }
send_confirmed() {
    local from=$1 text=$2 to=$3 before code
    before=$(code_asked "$to")
    inject "$from" "$text"
    wait_for "SELECT count(*) > $before FROM outbox WHERE destination = '$to' AND kind = 'confirm_ask'" 30 ||
        return 1
    code=$(q "SELECT substring(text from 'YA ([0-9]{6})') FROM outbox
               WHERE destination = '$to' AND kind = 'confirm_ask' ORDER BY id DESC LIMIT 1")
    inject "$from" "YA $code"
}

# wait_for SQL SECONDS: waits until the query prints t.
wait_for() {
    local sql=$1 limit=$2 start=$SECONDS
    while [ $((SECONDS - start)) -lt "$limit" ]; do
        [ "$(q "$sql" 2>/dev/null || true)" = t ] && return 0
        sleep 0.2
    done
    say "timed out after ${limit}s waiting for: $sql"
    return 1
}

modem_files() { find "$MODEM/sms" -type f 2>/dev/null | wc -l; }
# modem_files_settled: the count once it has held for a second (at most 20 s). Parts whose batch
# was committed just before the database went away may still be on their way off the modem: the
# daemon orders their removal after the commit, without waiting for it.
modem_files_settled() {
    local n m
    n=$(modem_files)
    for _ in $(seq 20); do
        sleep 1
        m=$(modem_files)
        [ "$m" = "$n" ] && break
        n=$m
    done
    echo "$n"
}

# The AT simulator's SIM: messages waiting, PDUs sent.
sim_inbox() { find "$SIM/inbox" -type f ! -name '.*' 2>/dev/null | wc -l; }
sim_sent() { find "$SIM/sent" -type f ! -name '.*' 2>/dev/null | wc -l; }
MKPDU="/usr/bin/python3 $LAPOR_SRC/tests/modemsim/mkpdu.py"
# sim_put FROM TEXT [mkpdu options]: a message (its parts) onto the simulated SIM.
sim_put() {
    local from=$1 text=$2
    shift 2
    $MKPDU --from "$from" --text "$text" --out-dir "$SIM/inbox" "$@" >/dev/null
}
sim_fault() { printf '%s\n' "$@" >"$SIM/faults"; }

# status_json: the operators' status document, as lapor-smsctl prints it (its exit code 3, a
# daemon or modem down, is no failure here).
status_json() { "$SMSCTL" -c "$CONF" status --json || [ $? -eq 3 ]; }

# json_get PATH: reads a JSON document on stdin and prints the value at PATH (e.g. modems.0.up);
# booleans print as true/false, null as null.
json_get() {
    /usr/bin/python3 -c '
import json, sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v) if not isinstance(v, str) else v)' "$1"
}
