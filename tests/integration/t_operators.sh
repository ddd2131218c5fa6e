#!/usr/bin/env bash
# Operators see and steer: status (text and JSON) of a running and of a stopped daemon, a failed
# reply counted, the oldest waiting message, the outbox by hand, metrics in the Prometheus format,
# SIGHUP reloads (and keeps the running configuration when the new file is bad), systemd's
# notifications, masked numbers in the log.
. "$(dirname "$0")/../lib/common.sh"
lab_init "heartbeat = 1;"
ctl() { "$SMSCTL" -c "$CONF" "$@"; }
CITIZEN=+6281300001111

# systemd's side of Type=notify: a datagram socket that keeps what the daemon says.
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(0.5)
end = time.time() + 300
with open(sys.argv[2], "w") as out:
    while time.time() < end:
        try:
            out.write(s.recv(4096).decode() + "\n")
            out.flush()
        except socket.timeout:
            pass
' "$T/notify.sock" "$T/notify.log" >/dev/null 2>&1 &
listener=$!
for _ in $(seq 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
NOTIFY_SOCKET=$T/notify.sock WATCHDOG_USEC=2000000 daemon_start

inject 081300001111 "Sampah menumpuk di depan pasar sejak seminggu"
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'sent'" 30
wait_for "SELECT imei IS NOT NULL FROM heartbeat" 20
status_json >"$T/s1.json"
check "status: the running daemon's modem is up" "$(json_get modems.0.up <"$T/s1.json")" true
check "status: its signal" "$(json_get modems.0.signal_percent <"$T/s1.json")" 42
check "status: its IMSI" "$(json_get modems.0.imsi <"$T/s1.json" | grep -cE '^[0-9]{15}$')" 1
check "status: SIM storage known" "$(json_get modems.0.sim_total <"$T/s1.json" | grep -cE '^[0-9]+$')" 1
check "status: its last receive" "$(json_get modems.0.last_receive_at <"$T/s1.json" | grep -c '^20')" 1
check "status: today's counts" "$(json_get queues.received_today <"$T/s1.json")" 1
check "status for people: the modem line" "$(ctl status | grep -cE '^test1 +up +connected')" 1
check "the log masks numbers at info level" \
    "$(grep -c '+62813\*\*\*\*111' "$DAEMON_LOG" | awk '{print ($1 > 0)}') $(grep -c "$CITIZEN" "$DAEMON_LOG" || true)" "1 0"

# An operator's message; one to a fixed line, which the outbox refuses: a failed reply, counted.
check "send queues an operator's message" "$(ctl send 0812-9999-1111 "Mohon maaf, layanan 1708 terganggu" | grep -c queued)" 1
ctl send +62215551234 "Kepada kantor" >/dev/null
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'failed'" 30
wait_for "SELECT count(*) = 1 FROM outbox WHERE kind = 'operator' AND status = 'sent'" 30
sleep 1.2
check "status: the failed reply counted" "$(status_json | json_get queues.replies.failed)" 1
check "outbox list --status failed shows why" \
    "$(ctl outbox list --status failed | grep -c 'not a mobile number')" 1
check "send refuses what is no phone number" "$(ctl send TELKOMSEL hai >/dev/null 2>&1; echo $?)" 1

# Metrics, checked by a strict parser of the exposition format.
ctl metrics >"$T/metrics.txt"
check "metrics pass a strict exposition-format check" \
    "$(/usr/bin/python3 "$LAPOR_SRC/tests/lib/promcheck.py" --require lapor_modem_up \
        --require lapor_outbox_messages --require lapor_messages_received_total \
        --require lapor_heartbeat_age_seconds <"$T/metrics.txt" | grep -c '^ok')" 1
check "metrics: the modem is up" "$(grep -c '^lapor_modem_up{modem="test1"} 1$' "$T/metrics.txt")" 1
check "metrics: one failed message" "$(grep -c '^lapor_outbox_messages{status="failed"} 1$' "$T/metrics.txt")" 1

# SIGHUP takes a new template; a broken file is refused and the running one kept.
cp "$CONF" "$T/good.conf"
echo 'templates = { received = "LAPOR! Tiket #{ticket} diterima, terima kasih."; };' >>"$CONF"
kill -HUP "$DAEMON_PID"
# Waited for in the log, not for a fixed time: a loaded machine can take longer than any guess.
log_count() { grep -c "$1" "$DAEMON_LOG" || true; }
for _ in $(seq 100); do [ "$(log_count 'configuration reloaded')" -ge 1 ] && break; sleep 0.1; done
inject 081300002222 "Lampu jalan mati di gang Melati"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+6281300002222' AND status = 'sent'" 30
check "SIGHUP reloaded the reply template" \
    "$(q "SELECT text LIKE 'LAPOR! Tiket #% diterima, terima kasih.' FROM outbox WHERE destination = '+6281300002222'")" t
echo 'poll_interval = "never";' >>"$CONF"
kill -HUP "$DAEMON_PID"
for _ in $(seq 100); do [ "$(log_count 'reload refused')" -ge 1 ] && break; sleep 0.1; done
check "a bad file on SIGHUP is refused, with file and line" \
    "$(grep -c "reload refused, keeping the running configuration: $CONF:[0-9]*: " "$DAEMON_LOG")" 1
# The file is put right for the tool; the daemon reads it only at the next SIGHUP.
cp "$T/good.conf" "$CONF"
inject 081300003333 "Selokan mampet di RT 02"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+6281300003333' AND status = 'sent'" 30
check "... and the daemon goes on with the running configuration" \
    "$(q "SELECT text LIKE 'LAPOR! Tiket #% diterima, terima kasih.' FROM outbox WHERE destination = '+6281300003333'")" t

# The listener keeps what came so far; it is stopped here, not after a fixed time, since a loaded
# machine can take longer than any guess to get this far.
kill $listener 2>/dev/null || true
wait $listener 2>/dev/null || true
check "systemd was told READY=1" "$(grep -c '^READY=1$' "$T/notify.log" | awk '{print ($1 > 0)}')" 1
check "... a one-line STATUS" "$(grep -c '^STATUS=database up, modem connected' "$T/notify.log" | awk '{print ($1 > 0)}')" 1
check "... and watchdog pings" "$(grep -c '^WATCHDOG=1$' "$T/notify.log" | awk '{print ($1 >= 2)}')" 1
check "... and RELOADING=1 on SIGHUP" "$(grep -c '^RELOADING=1$' "$T/notify.log" | awk '{print ($1 > 0)}')" 1

# A daemon that dies is shown down once its heartbeat is stale, with its age.
daemon_kill
sleep 4
status_json >"$T/s2.json"
check "status: the dead daemon's modem is down" "$(json_get modems.0.up <"$T/s2.json")" false
check "status: ... shown as down" "$(json_get modems.0.modem_state <"$T/s2.json")" down
check "status: ... with the heartbeat's age" \
    "$(json_get modems.0.heartbeat_age_s <"$T/s2.json" | awk '{print ($1 >= 3)}')" 1
check "status for people says DOWN" "$(ctl status | grep -cE '^test1 +DOWN')" 1
check "metrics say down" "$(ctl metrics | grep -c '^lapor_modem_up{modem="test1"} 0$')" 1

# The outbox by hand while nothing sends: the oldest waiting, cancel, retry.
id=$(ctl send 081377778888 "Pesan operator" | awk '{print $2}')
sleep 2
check "status: the oldest waiting message's age" \
    "$(status_json | json_get queues.oldest_queued_age_s | awk '{print ($1 >= 2)}')" 1
check "outbox cancel" "$(ctl outbox cancel "$id")" "message $id cancelled"
check "a cancelled message cannot be cancelled again" "$(ctl outbox cancel "$id" >/dev/null 2>&1; echo $?)" 1
check "outbox retry" "$(ctl outbox retry "$id")" "message $id queued again"
daemon_start
wait_for "SELECT status = 'sent' FROM outbox WHERE id = $id" 30
check "outbox list --json" "$(ctl outbox list --json | json_get 0.status)" sent

# inject is for the simulated modem only.
sed 's|model = \\"dummy\\"|model = \\"\\"|; s|connection = \\"none\\"|connection = \\"at\\"|' "$CONF" >"$T/real.conf"
sed -i 's|connection = "none"; model = "dummy"|connection = "at"; model = ""|' "$T/real.conf"
out=$("$SMSCTL" -c "$T/real.conf" inject --from 0812 hai 2>&1) && rc=0 || rc=$?
check "inject refuses a real modem" "$rc:$(echo "$out" | grep -c 'only with the simulated modem')" 1:1
daemon_stop
finish
