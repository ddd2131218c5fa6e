#!/usr/bin/env bash
# The modem recovery ladder, through the AT simulator: reconnect, soft reset, hard reset, reopen,
# one step more for each failure in a row, each visible to operators, and every message taken in
# exactly once whatever the modem did meanwhile.
#   1. A modem whose message store wedges (it answers its set-up, not AT+CMGL) until it restarts:
#      brought back by the soft reset, which libGammu's AT driver does with AT+CFUN=1,1 (it has
#      no hard reset).
#   2. A modem that stops answering anything, as if unplugged, and is plugged back while the
#      ladder is on its last step: brought back by reopening the device.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
MODEM_TIMEOUT=3
lab_init "heartbeat = 1;"
n=0
put_some() { # put_some COUNT: messages from new senders onto the SIM
    for _ in $(seq "$1"); do
        n=$((n + 1))
        sim_put "+6281299$(printf '%05d' "$n")" "Laporan nomor $n: jalan rusak di RT $n, mohon ditindaklanjuti."
    done
}
recovery() { status_json | json_get "modems.0.$1"; }

put_some 5
daemon_start
wait_for "SELECT count(*) = 5 FROM outbox WHERE status = 'sent'" 60
check "five messages in and answered before any trouble" "$(q "SELECT count(*) FROM complaint")" 5

say "1. the message store wedges; a soft reset (AT+CFUN=1,1) cures it"
sim_fault wedge=1
put_some 5
seen=""
for _ in $(seq 600); do
    step=$(recovery recovery_step 2>/dev/null || true)
    case " $seen " in *" $step "*) ;; *) [ -n "$step" ] && [ "$step" != null ] && seen="$seen $step" ;; esac
    [ "$(q "SELECT count(*) FROM complaint")" = 10 ] && break
    sleep 0.1
done
check "the five waiting messages came in after the recovery" "$(q "SELECT count(*) FROM complaint")" 10
check "the modem was ordered one full restart (AT+CFUN=1,1)" \
    "$(wc -l <"$SIM/resets" 2>/dev/null || echo 0):$(grep -c 'AT+CFUN=1,1' "$SIM/resets" 2>/dev/null || true)" 1:1
check "operators saw the ladder climbed: reconnect, then soft reset" \
    "$(echo "$seen" | grep -c 'reconnect.*soft reset')" 1
check "... and it stopped there" "$(echo "$seen" | grep -c 'hard reset\|reopen')" 0
wait_for "SELECT coalesce(recoveries, 0) = 1 FROM heartbeat" 20 || true
check "status: brought back once, last by the soft reset" \
    "$(recovery recoveries)/$(recovery last_recovery)/$(recovery recovery_step)" "1/soft reset/null"
check "lapor-smsctl status says it in words" \
    "$("$SMSCTL" -c "$CONF" status | grep -c 'modem brought back 1 time(s), last by soft reset')" 1
wait_for "SELECT count(*) = 10 FROM outbox WHERE status = 'sent'" 60 || true

say "2. the modem stops answering at all, and comes back while the ladder reopens it"
sim_fault hang=1
put_some 5
reached=0
for _ in $(seq 900); do
    if [ "$(recovery recovery_step 2>/dev/null || true)" = reopen ]; then
        reached=1
        break
    fi
    sleep 0.1
done
check "status shows the ladder on its last step: reopen" "$reached" 1
check "... and the modem is not up" "$(recovery up)" false
check "nothing was taken in while the modem was silent" "$(q "SELECT count(*) FROM complaint")" 10
sim_fault # plugged back: answers again
wait_for "SELECT count(*) = 15 FROM complaint" 120 || true
check "every message came in once the device was reopened" "$(q "SELECT count(*) FROM complaint")" 15
wait_for "SELECT recoveries = 2 FROM heartbeat" 20 || true
check "status: brought back twice, last by reopening" \
    "$(recovery recoveries)/$(recovery last_recovery)" "2/reopen"
check "the log tells the whole ladder" \
    "$(grep -c 'modem recovery: the modem works again after [0-9]* failures; last step: reopen' "$DAEMON_LOG")" 1

say "every message exactly once, every reply once"
check "15 messages, 15 complaints, no sender twice" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT sender) FROM complaint")" 15/15
check "15 parts stored, each once, one message each" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT sms_in_id) FROM sms_part")" 15/15
wait_for "SELECT count(*) = 15 FROM outbox WHERE status = 'sent'" 60 || true
check "15 replies sent, each once" "$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")/$(sim_sent)" 15/15
check "the SIM ends empty" "$(sim_inbox)" 0
check "the daemon is still running" "$(kill -0 "$DAEMON_PID" && echo yes)" yes
finish
