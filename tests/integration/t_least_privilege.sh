#!/usr/bin/env bash
# Least privilege in processes (issue 17): started as root, the daemon opens no database
# connection before it has become its user; its modem worker holds no descriptor beyond its
# standard three, its modem and its socket to the daemon, which a program it starts does not inherit; a
# secret in a file its group can read is refused unless the group is the daemon's own; a
# PostgreSQL error is logged without its detail, which can hold a citizen's number and text; a
# proxy modem's command never runs as root; the throwaway decoder of the rescue holds nothing but
# /dev/null.
. "$(dirname "$0")/../lib/common.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "t_least_privilege needs root (it tests giving root up); skipped"
    exit 77
fi

lab_init
q "CREATE ROLE gw LOGIN IN ROLE lapor_daemon" >/dev/null
daemon_conf() {
    write_conf 'user = "nobody";' 'group = "nogroup";' "$@"
    sed -i "s|^database = \"\(.*\)user=postgres|database = \"\1user=gw|" "$CONF"
}

say "a secret in a file that a group other than the daemon's can read is refused"
daemon_conf
sed -i 's|pin = ""|pin = "1234"|' "$CONF"
chmod 640 "$CONF"
chgrp root "$CONF"
out=$("$SMSD" -n -c "$CONF" 2>&1) && rc=0 || rc=$?
check "group root may read the PIN: refused" "$rc:$(echo "$out" | grep -c 'readable by group 0')" 1:1
chgrp nogroup "$CONF"
out=$("$SMSD" -n -c "$CONF" 2>&1) && rc=0 || rc=$?
check "the daemon's own group nogroup may read it" "$rc" 0

say "root is given up before the first database connection"
daemon_conf
daemon_start
# Two connections: the main loop's, then the webhook sender's (started only after it).
wait_for "SELECT count(*) = 2 FROM pg_stat_activity WHERE usename = 'gw'" 30
for _ in $(seq 50); do grep -q "running as user nobody" "$DAEMON_LOG" && break; sleep 0.1; done
chown -R nobody:nogroup "$MODEM"
order=$(grep -n -E "running as user nobody|database connected" "$DAEMON_LOG" |
    sed -E 's/^[0-9]+:.*(running as user|database connected).*/\1/' | tr '\n' ',')
check "the daemon says it gave up root before it says the database is connected" \
    "$order" "running as user,database connected,"
check "the daemon's connections are gw's, the only two it opened" \
    "$(q "SELECT count(*) FROM pg_stat_activity WHERE usename = 'gw'")" 2
check "... made by a process that is nobody's" \
    "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$DAEMON_PID/status")" 65534655346553465534

say "the modem worker's descriptors"
worker=$(pgrep -P "$DAEMON_PID" -f -- --modem-worker | head -n 1)
# The simulated modem is a folder: libGammu's dummy driver keeps its log there open.
others=$(for fd in /proc/"$worker"/fd/*; do
    n=${fd##*/}
    if [ "$n" -gt 3 ] && [[ "$(readlink "$fd")" != "$MODEM/"* ]]; then echo "$n"; fi
done | wc -l)
check "the worker holds stdin, stdout, stderr, its socket and the modem, nothing else" \
    "$(ls "/proc/$worker/fd" | sort -n | head -n 4 | tr '\n' ' '):$others" "0 1 2 3 :0"
check "... its socket is the daemon's" "$(readlink "/proc/$worker/fd/3" | grep -c '^socket:')" 1
flags=$(awk '/^flags:/ {print $2}' "/proc/$worker/fdinfo/3")
check "... and closed on exec: a program the worker starts does not get it" \
    "$(((8#$flags & 8#2000000) != 0))" 1

say "a PostgreSQL error is logged tersely"
q "ALTER TABLE complaint ADD CONSTRAINT t_no_secret CHECK (text NOT LIKE '%rahasia negara%')" >/dev/null
inject 081288880000 "Pungutan liar rahasia negara di kantor kecamatan"
wait_for "SELECT count(*) > 0 FROM heartbeat WHERE last_error LIKE '%t_no_secret%'" 30
check "the heartbeat names the failure" \
    "$(q "SELECT count(*) FROM heartbeat WHERE last_error LIKE '%violates check constraint%'")" 1
check "... without the row: no number, no text" \
    "$(q "SELECT count(*) FROM heartbeat WHERE last_error ~ '1288880000|rahasia|Failing row'")" 0
check "the log has neither" "$(grep -c -E '1288880000|rahasia negara|Failing row' "$DAEMON_LOG" || true)" 0
q "ALTER TABLE complaint DROP CONSTRAINT t_no_secret" >/dev/null
wait_for "SELECT count(*) = 1 FROM complaint WHERE sender = '+6281288880000'" 30
check "the message was kept on the modem and taken in once the error was gone" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+6281288880000'")" 1
daemon_stop || true

say "a proxy modem's command is started by the worker only after it gave up root"
SIM=$T/sim
mkdir -p "$SIM/inbox" "$SIM/sent"
chown -R nobody:nogroup "$SIM"
daemon_conf
daemon_start
for _ in $(seq 100); do
    sim=$(pgrep -f -- "atsim.py --dir $SIM" | head -n 1 || true)
    [ -n "$sim" ] && break
    sleep 0.1
done
check "the AT simulator, the worker's proxy command, runs as nobody" \
    "$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$sim/status" 2>/dev/null)" 65534655346553465534
daemon_stop || true

say "the throwaway decoder's descriptors"
# A message that kills libGammu's reader sends the worker to the rescue, which judges the good
# message behind it in a throwaway decoder; the test build's hold keeps that decoder alive a while.
$MKPDU --malformed udl200 --from +6281277700066 --out-dir "$SIM/inbox" >/dev/null
sim_put +6281277700067 "Laporan baik sesudah pesan yang merusak."
LAPOR_HOLD_AT=trial:3 daemon_start
trial=""
for _ in $(seq 600); do
    for w in $(pgrep -P "$DAEMON_PID" -f -- --modem-worker); do
        trial=$(pgrep -P "$w" -f -- --modem-worker | head -n 1 || true)
        [ -n "$trial" ] && break 2
    done
    sleep 0.1
done
fds=$(for fd in /proc/"$trial"/fd/*; do echo "${fd##*/}=$(readlink "$fd")"; done | sort -n)
say "decoder $trial: $(echo $fds)"
check "the decoder holds stdin, stdout and stderr, nothing else" \
    "$(echo "$fds" | cut -d= -f1 | tr '\n' ' ')" "0 1 2 "
check "... all three /dev/null: no socket, no modem, no log" \
    "$(echo "$fds" | grep -c '=/dev/null$')" 3
wait_for "SELECT count(*) = 1 FROM complaint WHERE sender = '+6281277700067'" 60
check "the good message it judged became a complaint" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+6281277700067'")" 1
daemon_stop || true
finish
