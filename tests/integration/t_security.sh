#!/usr/bin/env bash
# Security: started as root, the daemon becomes its configured user and group once the modem is
# open (its modem worker too), and refuses to stay root unless told; it logs in to PostgreSQL as a
# member of lapor_daemon, which reads and writes rows but changes no schema; operators' read-only
# role reads and cannot write; lapor_owner owns the schema. (Files with secrets readable by others
# are refused: t_config. No query text is built at run time: every test runs with
# LAPOR_SQL_GUARD=1, and unit.test_sqlguard tests the guard.)
. "$(dirname "$0")/../lib/common.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "t_security needs root (it tests giving root up); skipped"
    exit 77
fi

lab_init
routing='routing = { holidays = ["2026-12-25"]; };'

say "the schema belongs to lapor_owner"
check "every table, view and sequence is lapor_owner's" \
    "$(q "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace
            AND relkind IN ('r', 'v', 'S') AND relowner <> 'lapor_owner'::regrole")" 0
check "... and every function" \
    "$(q "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            AND proowner <> 'lapor_owner'::regrole")" 0
q "CREATE ROLE gw LOGIN IN ROLE lapor_daemon; CREATE ROLE op LOGIN IN ROLE lapor_reader" >/dev/null
as() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -U "$1" -c "$2" 2>&1; }

say "root is refused unless a user is named or root allowed"
write_conf "$routing" "user = \"\";"
out=$(timeout 20 "$SMSD" -f -c "$CONF" 2>&1) && rc=0 || rc=$?
check "no user and no allow_root: refused" \
    "$rc:$(echo "$out" | grep -c "refusing to run as root")" 1:1
write_conf "$routing" 'user = "no-such-user-here";'
out=$(timeout 20 "$SMSD" -f -c "$CONF" 2>&1) && rc=0 || rc=$?
check "an unknown user: refused, named" "$rc:$(echo "$out" | grep -c "no such user: no-such-user-here")" 1:1

say "started as root with user nobody, logged in as a member of lapor_daemon"
write_conf "$routing" 'user = "nobody";' 'group = "nogroup";'
sed -i "s|^database = \"\(.*\)user=postgres|database = \"\1user=gw|" "$CONF"
check "the daemon's configuration logs in as gw" "$(grep -c 'user=gw' "$CONF")" 1
daemon_start
for _ in $(seq 100); do
    grep -q "running as user nobody" "$DAEMON_LOG" && break
    sleep 0.1
done
# The simulated SIM is a folder the first worker made as root while it opened the modem; a real
# modem's device is the dialout group's. Either way, nobody needs it from now on.
chown -R nobody:nogroup "$MODEM"
check "it says it gave up root" "$(grep -c 'running as user nobody (uid 65534, gid 65534)' "$DAEMON_LOG")" 1
ids() { awk '/^Uid:|^Gid:/ {printf "%s %s %s %s;", $2, $3, $4, $5}' "/proc/$1/status"; }
check "the daemon: real, effective, saved and file uid and gid are nobody's" \
    "$(ids "$DAEMON_PID")" "65534 65534 65534 65534;65534 65534 65534 65534;"
check "... and none of root's groups" "$(awk '/^Groups:/ {print $2}' "/proc/$DAEMON_PID/status")" 65534
worker=$(pgrep -P "$DAEMON_PID" -f -- --modem-worker | head -n 1)
check "its modem worker is nobody too" "$(ids "$worker")" \
    "65534 65534 65534 65534;65534 65534 65534 65534;"
check "the guard against run-time queries is on in the daemon" \
    "$(tr '\0' '\n' <"/proc/$DAEMON_PID/environ" | grep -c '^LAPOR_SQL_GUARD=1$')" 1

inject +6281277700001 "Jalan rusak di depan pasar, mohon diperbaiki."
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'sent'" 60 || true
check "a message in, its complaint and its reply out, as nobody and gw" \
    "$(q "SELECT count(*) FROM complaint c JOIN outbox o ON o.complaint_id = c.id
            WHERE c.sender = '+6281277700001' AND o.status = 'sent'")" 1
check "the configured holidays were written (gw may delete and insert them)" \
    "$(q "SELECT count(*) FROM holiday WHERE day = '2026-12-25'")" 1
check "the heartbeat is written by gw" "$(q "SELECT count(*) FROM heartbeat WHERE instance = 'test1'")" 1
check "no permission was denied" "$(grep -c -i 'permission denied' "$DAEMON_LOG" || true)" 0
worker=$(pgrep -P "$DAEMON_PID" -f -- --modem-worker | head -n 1)
kill -KILL "$worker"
for _ in $(seq 100); do
    w2=$(pgrep -P "$DAEMON_PID" -f -- --modem-worker | head -n 1 || true)
    [ -n "$w2" ] && [ "$w2" != "$worker" ] && break
    sleep 0.1
done
check "a worker started after the drop is nobody's from the start" "$(ids "$w2")" \
    "65534 65534 65534 65534;65534 65534 65534 65534;"
inject +6281277700002 "Lampu jalan mati sejak minggu lalu."
wait_for "SELECT count(*) = 2 FROM outbox WHERE status = 'sent'" 60 || true
check "... and it reads and sends" "$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")" 2
daemon_stop || true

say "the daemon's role changes no schema"
check "gw cannot create a table" "$(as gw "CREATE TABLE t (a int)" | grep -c 'permission denied')" 1
check "gw cannot alter a table" \
    "$(as gw "ALTER TABLE complaint ADD COLUMN z int" | grep -c 'must be owner')" 1
check "gw cannot drop a table" "$(as gw "DROP TABLE heartbeat" | grep -c 'must be owner')" 1
check "gw cannot replace a function" \
    "$(as gw "CREATE OR REPLACE FUNCTION ticket_of(bigint) RETURNS text LANGUAGE sql AS 'SELECT 1::text'" |
        grep -c -E 'must be owner|permission denied')" 1
check "gw cannot touch the schema version" \
    "$(as gw "DELETE FROM schema_version" | grep -c 'permission denied')" 1

say "the operators' read-only role"
sed "s|user=gw|user=op|" "$CONF" >"$T/op.conf"
chmod 600 "$T/op.conf"
out=$("$SMSCTL" -c "$T/op.conf" status 2>&1) && rc=0 || rc=$?
[ "$rc" = 3 ] && rc=0 # 3 says a daemon is down or stopped: status itself worked
check "op can run lapor-smsctl status" "$rc:$(echo "$out" | grep -c test1)" 0:1
check "op can read complaints" "$(as op "SELECT count(*) FROM complaint")" 2
check "op cannot change a complaint" \
    "$(as op "UPDATE complaint SET text = 'x'" | grep -c 'permission denied')" 1
check "op cannot queue a reply" \
    "$(as op "INSERT INTO outbox SELECT * FROM outbox LIMIT 1" | grep -c 'permission denied')" 1
finish
