#!/usr/bin/env bash
# Modem faults through the AT modem simulator and libGammu's own AT driver:
# - a modem that stops answering in the middle of AT+CMGL: the daemon keeps its heartbeat, kills
#   and restarts the modem worker after its deadline, and nothing is lost;
# - sends refused by the network: retried with growing delays, then 'failed', visible in status;
# - a send that is never answered: 'unknown', never sent a second time.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
MODEM_TIMEOUT=4
lab_init "heartbeat = 1;" "retry = { max_attempts = 3; first_delay = 1; max_delay = 2; };"

for i in 1 2 3 4 5; do
    sim_put "+62813888000$i" "Laporan $i: pipa air bocor di gang $i sejak kemarin."
done
sim_fault hang_in_cmgl=1
daemon_start
wait_for "SELECT count(*) = 1 FROM heartbeat" 30
# The worker is stuck inside libGammu's AT+CMGL; the daemon must still beat.
for _ in $(seq 50); do grep -q 'RX AT+CMGL' "$SIM/at.log" 2>/dev/null && break; sleep 0.1; done
fresh=0
for _ in 1 2 3; do
    sleep 1
    [ "$(q "SELECT extract(epoch FROM now() - beat_at) < 2.5 FROM heartbeat")" = t ] && fresh=$((fresh + 1))
done
check "the heartbeat stays fresh while the modem hangs" "$fresh" 3
wait_for "SELECT worker_deaths >= 1 FROM heartbeat" 30
check "the hung worker was killed after its deadline" \
    "$(q "SELECT last_worker_death LIKE 'no answer within 4 s%' FROM heartbeat")" t
check "the log says so" "$(grep -c 'no answer within 4 s' "$DAEMON_LOG" | awk '{print ($1 > 0)}')" 1
sim_fault hang_in_cmgl=0
wait_for "SELECT count(*) = 5 FROM outbox WHERE status = 'sent'" 90
check "after the hang every message is one complaint" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT sender) FROM complaint")" 5/5
check "the SIM is empty" "$(sim_inbox)" 0
check "a worker was started again" "$(q "SELECT worker_starts >= 2 FROM heartbeat")" t
check "the daemon kept running" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive

# Refused sends: three attempts with growing delays, then failed.
sent_before=$(sim_sent)
sim_fault send_error=500
sim_put +628138880006 "Laporan 6: balasan untuk ini akan ditolak jaringan."
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+628138880006' AND status = 'failed'" 60
check "the refused reply was tried three times" \
    "$(q "SELECT attempts FROM outbox WHERE destination = '+628138880006'")" 3
check "... and says why" \
    "$(q "SELECT last_error LIKE '%500%' FROM outbox WHERE destination = '+628138880006'")" t
check "... its part is recorded as failed" \
    "$(q "SELECT p.status FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id
          WHERE o.destination = '+628138880006'")" failed
check "... the modem recorded no PDU for it" "$(sim_sent)" "$sent_before"
sleep 1.5
check "status counts the failed reply" "$(status_json | json_get queues.replies.failed)" 1

# A send that gets no answer: its outcome is unknown, and it is not sent again.
sim_fault send_swallow=1
sim_put +628138880007 "Laporan 7: balasan untuk ini hilang di jalan."
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+628138880007' AND status = 'unknown'" 60
sim_fault ""
sim_put +628138880008 "Laporan 8: sesudah semua gangguan."
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+628138880008' AND status = 'sent'" 60
check "the unanswered reply stays unknown, not repeated" \
    "$(q "SELECT status || '/' || attempts FROM outbox WHERE destination = '+628138880007'")" unknown/1
# +628138880007 in the PDU's destination field: semi-octets, each pair swapped.
check "the modem was handed that reply exactly once" "$(grep 'RX PDU' "$SIM/at.log" | grep -c 261883880070)" 1
check "eight complaints in all" "$(q "SELECT count(*) FROM complaint")" 8

# The modem unplugged: the simulator exits after a few more commands, as a pulled USB stick
# does. The worker is killed at its deadline, the daemon keeps trying, and when the modem is
# back what waited on it is taken in once.
deaths_before=$(q "SELECT worker_deaths FROM heartbeat")
sim_fault die_after=2
sim_put +628138880009 "Laporan 9: dikirim saat modem dicabut."
wait_for "SELECT worker_deaths > $deaths_before FROM heartbeat" 60
check "the unplugged modem is reported" "$(q "SELECT last_error LIKE 'modem failed%' FROM heartbeat")" t
check "the daemon keeps running without its modem" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
sim_fault ""
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+628138880009' AND status = 'sent'" 90
check "the modem back, the waiting message is one complaint" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+628138880009'")" 1

# A full SIM: messages are still taken in (and so the SIM empties).
sim_fault sim_full=1
for i in 1 2 3; do sim_put "+62813888001$i" "Laporan SIM penuh $i"; done
wait_for "SELECT count(*) = 3 FROM outbox WHERE destination LIKE '+62813888001_' AND status = 'sent'" 60
check "with the SIM full, messages are taken in" \
    "$(q "SELECT count(*) FROM complaint WHERE sender LIKE '+62813888001_'")" 3
# A modem that answers OK to a delete and keeps the message, and answers slowly: the same
# message is read again and again, and stays one complaint with one reply.
sim_fault fake_delete=1 slow_ms=150
sim_put +628138880021 "Laporan modem bandel: pesan ini tidak pernah terhapus."
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+628138880021' AND status = 'sent'" 60
sleep 3
check "a message the modem never deletes stays one complaint" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+628138880021'")" 1
check "... with one reply" "$(q "SELECT count(*) FROM outbox WHERE destination = '+628138880021'")" 1
check "... though it was read again" "$(grep -c 'was stored before' "$DAEMON_LOG" | awk '{print ($1 > 0)}')" 1
sim_fault ""
daemon_stop
finish
