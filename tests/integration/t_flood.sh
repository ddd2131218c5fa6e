#!/usr/bin/env bash
# Flood: 10,000 messages from one number, put in as fast as the modem gives them. All are stored,
# that number gets no more replies than its budget, and a message from another number in the
# middle of the flood is still answered.
. "$(dirname "$0")/../lib/common.sh"
N=${FLOOD:-10000}
FLOODER=+6281200000001
lab_init "batch_size = 100;" "poll_interval = 0.05;"
half=$((N / 2))
{
    for i in $(seq "$half"); do printf '%s\tPesan banjir nomor %d dari nomor yang sama\n' 081200000001 "$i"; done
    printf '%s\t%s\n' 085600000002 "Keluhan warga biasa di tengah banjir pesan: jalan rusak."
    for i in $(seq $((half + 1)) "$N"); do printf '%s\tPesan banjir nomor %d dari nomor yang sama\n' 081200000001 "$i"; done
} >"$T/flood.tsv"

daemon_start
start=$SECONDS
"$SMSCTL" -c "$CONF" inject --file "$T/flood.tsv" >/dev/null
say "$((N + 1)) messages put in the modem in $((SECONDS - start)) s"
wait_for "SELECT count(*) = $((N + 1)) FROM sms_in" 600
say "all stored after $((SECONDS - start)) s"
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 60
check "all $N messages from the flooding number stored" \
    "$(q "SELECT count(*) FROM sms_in WHERE sender = '$FLOODER'")" "$N"
check "... each one a complaint" "$(q "SELECT count(*) FROM complaint WHERE sender = '$FLOODER'")" "$N"
check "the flooding number got exactly its budget of replies" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$FLOODER'")" 5
check "the other number's message in the middle was answered" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '+6285600000002' AND status = 'sent'")" 1
check "the modem is empty" "$(modem_files_settled)" 0
check "no database statement failed" "$(db_errors_logged)" 0
daemon_stop
finish
