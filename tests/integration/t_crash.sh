#!/usr/bin/env bash
# Crash test: while 500 messages are being taken in, the daemon is killed with SIGKILL at random
# moments, at least 20 times, and started again. Afterwards every message has exactly one
# complaint, no ticket is duplicated, and no reply is recorded as sent twice.
. "$(dirname "$0")/../lib/common.sh"
N=${MESSAGES:-500}
MIN_KILLS=${KILLS:-20}
# Small batches and a short poll, so that kills land in every step of intake and sending.
lab_init "batch_size = 3;" "poll_interval = 0.05;" "lease = 5;"
q "CREATE TABLE expected (sender text PRIMARY KEY, text text NOT NULL)"

filler="Jalan rusak dan berlubang, lampu jalan mati, saluran air tersumbat sehingga banjir setiap \
hujan turun, mohon petugas segera datang memeriksa dan memperbaiki karena warga sudah lama menunggu."
for i in $(seq "$N"); do
    sender=$(printf '+628219%07d' "$i")
    case $((i % 3)) in
        0) text="Laporan $i: $filler $filler" ;; # three parts
        1) text="Laporan $i: $filler" ;;         # two parts
        2) text="Laporan $i: sampah menumpuk di pasar." ;;
    esac
    printf '%s\t%s\n' "$sender" "$text" >>"$T/expected.tsv"
done
pg_psql "COPY expected FROM STDIN WITH (FORMAT csv, DELIMITER E'\t', QUOTE E'\x01')" <"$T/expected.tsv"

while IFS=$'\t' read -r sender text; do
    inject "$sender" "$text"
done <"$T/expected.tsv"
say "$N messages waiting on the modem as $(modem_files) parts"

# Kill at random moments a few tens of milliseconds apart, until the modem is empty and the
# daemon has been killed often enough; each run makes a little progress before it dies. The
# window is short (20 to 99 ms, of which starting takes some) because intake is fast: a longer
# one lets a single run take in most of the messages. A run that took nothing in (a slow start,
# as under the sanitizers) widens the window by 50 ms for the next; progress halves the widening.
kills=0 kills_mid_intake=0 extra_ms=0
while [ "$(modem_files)" -gt 0 ] || [ "$kills" -lt "$MIN_KILLS" ]; do
    before=$(modem_files)
    daemon_start
    ms=$((RANDOM % 80 + 20 + extra_ms))
    sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
    after=$(modem_files)
    [ "$after" -gt 0 ] && kills_mid_intake=$((kills_mid_intake + 1))
    daemon_kill
    kills=$((kills + 1))
    if [ "$after" -ge "$before" ] && [ "$before" -gt 0 ]; then
        extra_ms=$((extra_ms + 50))
    else
        extra_ms=$((extra_ms / 2))
    fi
done
say "$kills kills, $kills_mid_intake of them with parts still on the modem"

daemon_start
wait_for "SELECT count(*) = $N FROM complaint" 180
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 120
daemon_stop

check "killed at least $MIN_KILLS times" "$((kills >= MIN_KILLS))" 1
check "killed mid-intake at least $((MIN_KILLS / 2)) times" "$((kills_mid_intake >= MIN_KILLS / 2))" 1
lost=$(q "SELECT count(*) FROM expected e WHERE NOT EXISTS
          (SELECT 1 FROM complaint c WHERE c.sender = e.sender AND c.text = e.text)")
dups=$(q "SELECT count(*) - count(DISTINCT sender) FROM complaint")
check "messages lost" "$lost" 0
check "messages with more than one complaint" "$dups" 0
check "complaints" "$(q "SELECT count(*) FROM complaint")" "$N"
check "tickets duplicated" "$(q "SELECT count(*) - count(DISTINCT ticket_of(id)) FROM complaint")" 0
check "replies per complaint above one" \
    "$(q "SELECT count(*) FROM (SELECT complaint_id FROM outbox GROUP BY 1 HAVING count(*) > 1) x")" 0
check "replies recorded as sent twice (parts sent by two attempts)" \
    "$(q "SELECT count(*) FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id
          WHERE p.status = 'sent' AND o.status <> 'sent' AND o.status <> 'unknown'")" 0
check "every reply sent or marked unknown" \
    "$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')")" 0
check "the modem is empty" "$(modem_files_settled)" 0
sent=$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")
unknown=$(q "SELECT count(*) FROM outbox WHERE status = 'unknown'")
redelivered=$(grep -c "stored before" "$DAEMON_LOG" || true)
say "figures: $N messages, $kills kills ($kills_mid_intake mid-intake), $lost lost, $dups duplicated," \
    "$sent replies sent, $unknown unknown (killed mid-send), $redelivered parts read again after a kill"
finish
