#!/usr/bin/env bash
# Modem care through the AT simulator: the SIM PIN entered once when the SIM asks; a rejected PIN
# never tried again by the daemon itself, whatever it restarts; the PIN in no log or output; the
# SIM storage alarm at 80% in status and metrics.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
SIM_ARGS="--pin 4321 --sim-size 10 --me"
SIM_PIN=4321
MODEM_EXTRA="status_interval = 1;"
lab_init "heartbeat = 1;"
sim_put +628131110001 "Laporan dengan SIM ber-PIN"
mkdir -p "$SIM/inbox-me"
$MKPDU --from +628131110002 --text "Laporan di memori telepon" --out-dir "$SIM/inbox-me" >/dev/null
daemon_start
wait_for "SELECT count(*) = 2 FROM outbox WHERE status = 'sent'" 60
check "the SIM asked for its PIN and took it once" "$(cat "$SIM/pin-attempts")" "4321 ok"
check "the message in the phone's memory is read too" \
    "$(q "SELECT text FROM complaint WHERE sender = '+628131110002'")" "Laporan di memori telepon"
check "... and taken off it" "$(find "$SIM/inbox-me" -type f ! -name '.*' | wc -l)" 0
wait_for "SELECT phone_total IS NOT NULL FROM heartbeat" 20
check "status: the phone memory's fill" "$(status_json | json_get modems.0.phone_total)" 100

# Delivery reports: the network's report is matched to the part it reports on, and shown.
sim_fault reports=1
sim_put +628131110003 "Laporan dengan laporan pengiriman"
wait_for "SELECT delivery = 'delivered' FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id WHERE o.destination = '+628131110003'" 30
check "a delivery report matched to its part" \
    "$(q "SELECT p.delivery || '/' || p.delivery_code FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id WHERE o.destination = '+628131110003'")" delivered/0
check "the report is no complaint and gets no reply" \
    "$(q "SELECT count(*) FROM sms_in WHERE kind = 'status_report'")/$(q "SELECT count(*) FROM complaint WHERE sender = '+628131110003'")/$(q "SELECT count(*) FROM outbox WHERE destination = '+628131110003'")" 1/1/1
sim_fault reports=1 report_status=expired
sim_put +628131110004 "Laporan yang balasannya kedaluwarsa"
wait_for "SELECT delivery = 'expired' FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id WHERE o.destination = '+628131110004'" 30
check "an expired report is recorded as expired" \
    "$(q "SELECT delivery FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id WHERE o.destination = '+628131110004'")" expired
check "the outbox listing shows the delivery" \
    "$("$SMSCTL" -c "$CONF" outbox list | grep -c '+628131110004 .*sent .*expired')" 1
sleep 1.2
check "status counts today's reports" \
    "$(status_json | json_get queues.delivery_reports_today.delivered)/$(status_json | json_get queues.delivery_reports_today.expired)" 1/1
sim_fault ""

# A citizen calls 1708: the call is rejected at once, counted, and SMS keep coming in.
sim_fault ring=+6281377776666
for _ in $(seq 100); do [ -s "$SIM/calls" ] && break; sleep 0.1; done
check "the ringing call was rejected" "$(grep -c '^+6281377776666 rejected' "$SIM/calls")" 1
sim_fault ""
sim_put +628131110005 "Laporan sesudah telepon"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+628131110005' AND status = 'sent'" 30
wait_for "SELECT calls_rejected = 1 FROM heartbeat" 20
check "status counts the rejected call" "$(status_json | json_get modems.0.calls_rejected)" 1

# The storage alarm: the SIM says it is full.
sim_fault sim_full=1
wait_for "SELECT sim_used * 100 >= 80 * sim_total FROM heartbeat" 30
status_json >"$T/s.json"
check "status: the SIM storage alarm" "$(json_get modems.0.storage_alarm <"$T/s.json")" true
check "status for people shows the alarm" "$("$SMSCTL" -c "$CONF" status | grep -c 'ALARM: message storage')" 1
check "metrics: the alarm" "$("$SMSCTL" -c "$CONF" metrics | grep -c '^lapor_storage_alarm{modem="test1"} 1$')" 1
sim_fault ""
wait_for "SELECT sim_used * 100 < 80 * sim_total FROM heartbeat" 30
check "the alarm clears with the SIM" "$(status_json | json_get modems.0.storage_alarm)" false
daemon_stop

# A wrong PIN: the SIM refuses it, and the daemon never offers it again, though it keeps trying
# to reach the modem (and so starts no worker that would).
rm -f "$SIM/pin-attempts"
sed -i 's|pin = "4321"|pin = "8765"|' "$CONF"
daemon_start
sleep 8
check "a rejected PIN was tried exactly once" "$(grep -c '^8765 wrong$' "$SIM/pin-attempts")" 1
check "no other PIN attempt" "$(wc -l <"$SIM/pin-attempts")" 1
check "the daemon says why it has no modem" \
    "$(q "SELECT last_error LIKE '%refused the configured PIN%' FROM heartbeat")" t
check "the daemon keeps running" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
daemon_stop
check "the PIN is in no log" "$(grep -c '8765\|4321' "$DAEMON_LOG" || true)" 0
check "nor in the status" "$(status_json | grep -c '8765\|4321' || true)" 0
finish
