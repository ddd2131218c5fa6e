#!/usr/bin/env bash
# 200 real LAPOR! reports, each sent as the multipart SMS a phone would make: each must become
# exactly one complaint whose text is what was sent, with one reply sent carrying its ticket.
. "$(dirname "$0")/../lib/common.sh"
if [ ! -r "$DATA_TSV" ]; then
    echo "skipped: $DATA_TSV is absent"
    exit 77
fi
N=${REPORTS:-200}
lab_init
q "CREATE TABLE expected (sender text PRIMARY KEY, text text NOT NULL)"
# Reports in a fixed order; the phone numbers are made up, one per report.
head -n "$N" "$DATA_TSV" | cut -f2- >"$T/texts"
i=0
while IFS= read -r text; do
    i=$((i + 1))
    sender=$(printf '+628139%07d' "$i")
    inject "$sender" "$text"
    printf '%s\t%s\n' "$sender" "$text" >>"$T/expected.tsv"
done <"$T/texts"
# CSV with a quote character that never occurs, so that the texts load exactly as they are.
q "\\copy expected FROM '$T/expected.tsv' WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01')" 2>/dev/null ||
    pg_psql "COPY expected FROM STDIN WITH (FORMAT csv, DELIMITER E'\t', QUOTE E'\x01')" <"$T/expected.tsv"
check "expected texts loaded" "$(q "SELECT count(*) FROM expected")" "$N"
parts=$(modem_files)
say "$N reports as $parts SMS parts"

daemon_start
wait_for "SELECT count(*) = $N FROM outbox WHERE status = 'sent'" 300
check "one complaint per report" "$(q "SELECT count(*) FROM complaint")" "$N"
check "every complaint's text is the report as sent" \
    "$(q "SELECT count(*) FROM expected e JOIN complaint c USING (sender) WHERE c.text = e.text")" "$N"
check "every part stored once" "$(q "SELECT count(*) FROM sms_part")" "$parts"
check "one reply per complaint, sent, with its ticket" \
    "$(q "SELECT count(*) FROM complaint c JOIN outbox o ON o.complaint_id = c.id
          WHERE o.status = 'sent' AND position('#' || ticket_of(c.id) IN o.text) > 0")" "$N"
check "no complaint incomplete" "$(q "SELECT count(*) FROM complaint WHERE incomplete")" 0
check "the modem is empty" "$(modem_files_settled)" 0
daemon_stop
finish
