#!/usr/bin/env bash
# SIGKILL while a large outbox is being sent, through the AT simulator (which keeps every PDU it
# accepted): each kill may leave at most the part the modem had at that moment 'unknown'; every
# other reply goes out exactly once, counted at the modem. An unknown part that did reach the
# network becomes sent when its delivery report comes.
. "$(dirname "$0")/../lib/common.sh"
N=${REPLIES:-80}
KILLS=${KILLS:-10}
SIM=$T/sim
SIM_ARGS="--sim-size 500"
MODEM_TIMEOUT=5
mkdir -p "$SIM/inbox" "$SIM/sent"
lab_init "poll_interval = 0.2;" "lease = 10;"
# Delivery reports a second after each send: some arrive only after the daemon was killed.
sim_fault reports=1 report_delay_ms=1000

# The outbox: one reply per number, every fifth one long enough for two parts.
long="mohon simpan nomor tiket ini dan cek statusnya secara berkala; petugas akan menghubungi"
long="$long Anda bila perlu keterangan tambahan tentang laporan yang Anda kirim"
q "INSERT INTO outbox (kind, destination, text)
   SELECT 'ack', '+62812' || lpad(i::text, 7, '0'),
          'LAPOR! Terima kasih, laporan ' || i || ' diterima.'
          || CASE WHEN i % 5 = 0 THEN ' ' || '$long' ELSE '' END
   FROM generate_series(1, $N) AS i"

# Each run sends a few parts (1 to 12 more PDUs at the modem), then is killed.
kills=0
while [ "$kills" -lt "$KILLS" ]; do
    target=$(($(sim_sent) + RANDOM % 12 + 1))
    daemon_start
    for _ in $(seq 300); do
        [ "$(sim_sent)" -ge "$target" ] && break
        sleep 0.1
    done
    daemon_kill
    kills=$((kills + 1))
done
say "$kills kills with $(sim_sent) PDUs at the modem"

daemon_start
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 240
# The last delivery reports are taken in: none pending at the network, none left on the SIM.
for _ in $(seq 60); do
    [ ! -e "$SIM/reports-pending" ] && [ "$(sim_inbox)" = 0 ] && break
    sleep 0.5
done
sleep 1
daemon_stop

/usr/bin/python3 "$LAPOR_SRC/tests/modemsim/handed.py" "$SIM/sent" >"$T/handed.txt"
q "CREATE TABLE handed (destination text PRIMARY KEY, pdus int NOT NULL)"
pg_psql "COPY handed FROM STDIN WITH (DELIMITER ' ')" <"$T/handed.txt"
unknown_parts=$(q "SELECT count(*) FROM outbox_part WHERE status = 'unknown'")
unknown=$(q "SELECT count(*) FROM outbox WHERE status = 'unknown'")
sent=$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")
# A part that was unknown and then reported keeps the error that made it unknown.
reported=$(q "SELECT count(*) FROM outbox_part WHERE status = 'sent' AND error IS NOT NULL")
say "figures: $N replies, $kills kills: $sent sent ($reported parts known from their report), $unknown unknown ($unknown_parts parts)"
check "unknown parts at most one per kill ($unknown_parts, $kills kills)" \
    "$((unknown_parts <= kills))" 1
check "every reply sent or unknown" "$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')")" 0
check "no reply handed to the modem more often than it has parts" \
    "$(q "SELECT count(*) FROM handed h JOIN outbox o USING (destination) WHERE h.pdus > o.parts")" 0
check "every sent reply handed to the modem exactly once, part by part" \
    "$(q "SELECT count(*) FROM outbox o LEFT JOIN handed h USING (destination)
          WHERE o.status = 'sent' AND coalesce(h.pdus, 0) <> o.parts")" 0
check "an unknown reply never reached the modem whole (a report made it sent otherwise)" \
    "$(q "SELECT count(*) FROM outbox o JOIN handed h USING (destination)
          WHERE o.status = 'unknown' AND h.pdus >= coalesce(o.parts, 1)")" 0
# Two reports from one number in one second differ only in the reference they report on, which
# is part of what makes them two (the text each is stored with).
check "every part the modem took has its delivery report" \
    "$(q "SELECT count(*) FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id
          WHERE p.status = 'sent' AND p.delivery IS DISTINCT FROM 'delivered'")" 0
finish
