#!/usr/bin/env bash
# Status tells the truth (issues 16.4 and 18.6), through the AT modem simulator:
# - a modem that loses its network shows no signal, no operator and its registration, not the
#   last good figures, within its status interval, however busy it is;
# - sends the modem refuses (+CMS ERROR: 500) show as waiting for a retry or failed, with the
#   last refused send and its time;
# - status exits 3 while a modem is down; a last error carries its time and clears once healthy;
# - a clean stop shows "stopped at" at once; lapor-smsctl check follows the plugin convention.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
MODEM_EXTRA="status_interval = 1;"
lab_init "heartbeat = 1;" "retry = { max_attempts = 2; first_delay = 1; max_delay = 1; };"
status_text() { "$SMSCTL" -c "$CONF" status; }
modem_json() { status_json | json_get "modems.0.$1"; }

daemon_start
wait_for "SELECT signal_percent IS NOT NULL AND registration = 'home' FROM heartbeat" 30
check "a registered modem: its signal and operator" \
    "$(modem_json signal_percent)/$(modem_json registration)/$(modem_json network)" "60/home/510 10 TELKOMSEL"
rc=0; status_text >/dev/null || rc=$?
check "status exits 0 while everything is up" "$rc" 0
rc=0; out=$("$SMSCTL" -c "$CONF" check) || rc=$?
check "check: OK, exit 0" "$rc/${out%% *}" "0/LAPOR"
check "check: one line with perfdata" "$(printf '%s\n' "$out" | grep -c '^LAPOR OK - .* | .*modems_up=1')" 1
rc=0; out=$("$SMSCTL" -c "$CONF" check --signal-warn abc) || rc=$?
check "check: a bad threshold is UNKNOWN, named" "$rc/$out" "3/LAPOR UNKNOWN - --signal-warn: abc is not a number"
rc=0; out=$("$SMSCTL" -c "$CONF" check --signal-warn 70) || rc=$?
check "check: a threshold from the command line" "$rc/$(printf '%s' "$out" | cut -d' ' -f1-5)" "1/LAPOR WARNING - test1: signal"

# No network: the old signal and operator must go, and status must say why.
sim_fault no_network=1
wait_for "SELECT registration = 'none' FROM heartbeat" 20
check "no network: signal and operator unknown, registration shown" \
    "$(modem_json signal_percent)/$(modem_json network)/$(modem_json registration)" null/null/none
check "the text says so" "$(status_text | grep -c 'unknown .*NO NETWORK: none')" 1
rc=0; out=$("$SMSCTL" -c "$CONF" check) || rc=$?
check "check: no network is CRITICAL" "$rc/$(printf '%s' "$out" | cut -d' ' -f1-2)" "2/LAPOR CRITICAL"
sim_fault ""
wait_for "SELECT registration = 'home' AND signal_percent = 60 FROM heartbeat" 20

# Refused sends: waiting for a retry, then failed; the last refusal with its time.
sim_fault send_error=500
sim_put +628137770001 "Lampu jalan mati di depan sekolah"
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'queued' AND attempts = 1" 30
check "a refused reply waits for its retry" "$(status_json | json_get queues.replies.retrying)" 1
check "the last refused send, with its time" \
    "$(status_text | grep -c 'last refused send at 20.*error 500')" 1
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'failed'" 30
check "then it failed" "$(status_json | json_get queues.replies.failed)" 1
check "the JSON carries the error and its time" \
    "$(modem_json last_send_error | grep -c 'error 500')/$(modem_json last_send_error_at | cut -c1-2)" 1/20
rc=0; out=$("$SMSCTL" -c "$CONF" check --failed-warn 1 --failed-crit 5) || rc=$?
check "check: a failed reply is a WARNING" "$rc/$(printf '%s' "$out" | cut -d' ' -f1-2)" "1/LAPOR WARNING"
sim_fault ""

# A modem that dies: status exits 3 and shows the error with its time; back up, it clears.
sim_fault hang=1
wait_for "SELECT NOT modem_connected FROM heartbeat" 40
rc=0; status_text >"$T/down.txt" || rc=$?
check "status exits 3 while the modem is down" "$rc" 3
check "the last error carries its time" "$(grep -c 'last error at 20' "$T/down.txt")" 1
sim_fault ""
wait_for "SELECT modem_connected AND last_error IS NULL FROM heartbeat" 60
check "the error cleared once healthy" "$(modem_json last_error)" null

# A clean stop shows at once.
daemon_stop
check "a clean stop shows 'stopped at' at once" "$(status_text | grep -c '^test1 *stopped .*' )/$(status_text | grep -c 'stopped at 20')" 1/1
rc=0; status_text >/dev/null || rc=$?
check "status exits 3 when a daemon is stopped" "$rc" 3
check "the JSON says stopped" "$(modem_json state)" stopped
rc=0; out=$("$SMSCTL" -c "$CONF" check) || rc=$?
check "check: a stopped daemon is CRITICAL" "$rc/$(printf '%s' "$out" | cut -d' ' -f1-2)" "2/LAPOR CRITICAL"
finish
