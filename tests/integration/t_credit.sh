#!/usr/bin/env bash
# Prepaid credit (issue 18.9): the scheduled USSD balance check through libGammu and the AT
# simulator (AT+CUSD answered by +CUSD): the amount read with the configured pattern, shown in
# status with its age, in the metrics, an alarm under the threshold in status, metrics and check;
# an answer the pattern does not match is shown, not taken for a balance; on the dummy driver,
# a modem without USSD is said "not supported" once and the daemon stays quiet.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
sim_fault "ussd_reply=Sisa pulsa Anda Rp 12.500 berlaku s.d. 31-12-2026"
lab_init "heartbeat = 1;" \
    'credit = { ussd = "*888*1#"; pattern = "[Pp]ulsa Anda Rp ?([0-9.,]+)"; interval = 60; threshold = 20000; };'
daemon_start
wait_for "SELECT balance IS NOT NULL FROM heartbeat" 30
check "the USSD code went to the modem" "$(grep -c 'USSD request \*888\*1#' "$SIM/at.log")" 1
check "the balance as the pattern read it" "$(status_json | json_get modems.0.balance)" 12500.0
check "under the threshold: low" "$(status_json | json_get modems.0.balance_low)" true
check "status shows it with its age and the answer" \
    "$("$SMSCTL" -c "$CONF" status | grep -c 'credit: 12500.00 LOW (checked .* s ago: Sisa pulsa Anda Rp 12.500')" 1
"$SMSCTL" -c "$CONF" metrics >"$T/metrics.txt"
check "metrics: balance, low, age" \
    "$(grep -c '^lapor_credit_balance{modem="test1"} 12500.00$' "$T/metrics.txt")/$(grep -c '^lapor_credit_low{modem="test1"} 1$' "$T/metrics.txt")/$(grep -c '^lapor_credit_age_seconds{modem="test1"} ' "$T/metrics.txt")" 1/1/1
rc=0; out=$("$SMSCTL" -c "$CONF" check) || rc=$?
check "check: low credit is a WARNING" "$rc/$(printf '%s' "$out" | cut -d' ' -f1-2)" "1/LAPOR WARNING"
check "check: the credit in the perfdata" "$(printf '%s' "$out" | grep -c "'test1 credit'=12500")" 1
daemon_stop

# An answer the pattern does not match: shown as such, the old balance not taken for a new one.
sim_fault "ussd_reply=Maaf, layanan sedang sibuk"
q "UPDATE heartbeat SET balance = NULL, balance_at = NULL" >/dev/null
daemon_start
wait_for "SELECT balance_error IS NOT NULL FROM heartbeat" 30
check "an unmatched answer: no balance, the answer shown" \
    "$(status_json | json_get modems.0.balance)/$("$SMSCTL" -c "$CONF" status | grep -c 'credit.pattern does not match the answer: Maaf')" null/1
daemon_stop

# A modem without USSD (AT+CUSD answers ERROR): not supported, said once, then quiet.
sim_fault no_ussd=1
asked_before=$(grep -c 'RX AT+CUSD=1$' "$SIM/at.log")
write_conf "heartbeat = 1;" 'credit = { ussd = "*888#"; interval = 60; };'
daemon_start
wait_for "SELECT balance_error LIKE 'not supported%' FROM heartbeat" 30
sleep 2
check "no USSD: 'not supported' said once" "$(grep -c 'credit check: not supported' "$DAEMON_LOG")" 1
check "... and asked once" "$(($(grep -c 'RX AT+CUSD=1$' "$SIM/at.log") - asked_before))" 1
check "... and in status" "$("$SMSCTL" -c "$CONF" status | grep -c 'credit: not supported')" 1
finish
