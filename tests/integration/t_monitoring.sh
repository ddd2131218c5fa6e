#!/usr/bin/env bash
# The monitoring shipped in monitoring/: the Prometheus alert rules pass promtool, every metric
# the rules and the Grafana dashboard use is one that `lapor-smsctl metrics` exports, every alert
# has its entry in the runbook (lapor-smsd(8), ALARMS), and the daemon's own metrics pass a strict
# format check. Skipped (77) without promtool (Debian package prometheus; scripts/setup.sh).
. "$(dirname "$0")/../lib/common.sh"
RULES=$LAPOR_SRC/monitoring/lapor-smsd.rules.yml
DASHBOARD=$LAPOR_SRC/monitoring/grafana-dashboard.json
if ! command -v promtool >/dev/null; then
    echo "promtool not installed (apt-get install prometheus): skipped"
    exit 77
fi
check "promtool accepts the alert rules" "$(promtool check rules "$RULES" 2>&1 | grep -c SUCCESS)" 1

lab_init "heartbeat = 1;"
daemon_start
wait_for "SELECT modem_connected FROM heartbeat" 30
"$SMSCTL" -c "$CONF" metrics >"$T/metrics.txt"
check "the metrics pass the strict format check" \
    "$(/usr/bin/python3 "$LAPOR_SRC/tests/lib/promcheck.py" <"$T/metrics.txt" | grep -c '^ok')" 1
check "a running daemon is up in the metrics" \
    "$(grep -c '^lapor_daemon_up{modem="test1"} 1$' "$T/metrics.txt")" 1

# Every lapor_ metric named in the rules and the dashboard is a family the metrics declare.
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["panels"]:
    for t in p["targets"]:
        print(t["expr"])' "$DASHBOARD" >"$T/exprs.txt"
grep -o 'expr: .*' "$RULES" >>"$T/exprs.txt"
used=$(grep -o 'lapor_[a-z_]*' "$T/exprs.txt" | sort -u)
missing=
for m in $used; do
    grep -q "^# TYPE $m " "$T/metrics.txt" || missing="$missing $m"
done
check "every metric the rules and the dashboard use exists" "${missing:-none}" none
check "the rules use the metrics of each alarm the issue names" \
    "$(for m in lapor_daemon_up lapor_modem_up lapor_storage_alarm lapor_outbox_oldest_queued_seconds lapor_outbox_messages lapor_credit_low; do grep -q "$m" "$RULES" && echo "$m"; done | wc -l)" 6

# Each alert has its runbook entry.
undocumented=
for a in $(grep -o 'alert: [A-Za-z]*' "$RULES" | cut -d' ' -f2); do
    grep -q "^\.B $a\$" "$LAPOR_SRC/man/lapor-smsd.8" || undocumented="$undocumented $a"
done
check "every alert is in the runbook of lapor-smsd(8)" "${undocumented:-none}" none

# A clean stop: the daemon is down but stopped, which the rules tell from a crash.
daemon_stop
"$SMSCTL" -c "$CONF" metrics >"$T/metrics2.txt"
check "a stopped daemon: not up, stopped" \
    "$(grep -c '^lapor_daemon_up{modem="test1"} 0$' "$T/metrics2.txt")/$(grep -c '^lapor_daemon_stopped{modem="test1"} 1$' "$T/metrics2.txt")" 1/1
finish
