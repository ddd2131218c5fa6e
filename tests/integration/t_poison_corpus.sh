#!/usr/bin/env bash
# The poison corpus (issue 6 item 3), through the AT modem simulator and libGammu's own AT driver:
# every malformed or unusual PDU of tests/modemsim/corpus.py, each followed on the SIM by a good
# text message. Each odd message is stored with the outcome tests/data/poison.tsv gives (the kind
# of its sms_in row, complaint or not, reply or not, what the complaint says), and none holds up
# the good message behind it: each good one becomes one complaint with its reply sent.
# POISON_DUMP=1 prints what the daemon made of each case, to compare against the table.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
# The corpus holds about a hundred PDUs; a real SIM holds 20 to 50, the simulator what it is told.
SIM_ARGS="--sim-size 400"
# A batch holds the whole corpus: a round of replies (up to 50, each slow through the simulator)
# follows every poll, and the good messages must not wait behind the replies to the first batch.
lab_init "multipart_timeout = 3;" "batch_size = 200;"

TSV=$LAPOR_SRC/tests/data/poison.tsv
MANIFEST=$T/manifest.tsv
/usr/bin/python3 "$LAPOR_SRC/tests/modemsim/corpus.py" --out-dir "$SIM/inbox" --manifest "$MANIFEST"
n_files=$(sim_inbox)
n_good=$(awk -F'\t' '$2 == "good"' "$MANIFEST" | wc -l)
n_cases=$(grep -vc '^#' "$TSV")
say "corpus: $n_files PDUs on the SIM, $n_good good messages, $n_cases expectations"

# sql_lit TEXT: TEXT as an SQL string literal (senders and substrings come from the table).
sql_lit() { printf "'%s'" "${1//\'/\'\'}"; }

start=$SECONDS
t0=$(q "SELECT now()")
daemon_start
# Replies leave one at a time through the simulator, which is slow per message; about 75 of them.
# The SIM empties first; messages left open (parts missing) close after multipart_timeout, and
# their replies and the good ones' leave through the modem after that.
deadline=$((SECONDS + 40))
while [ "$(sim_inbox)" -gt 0 ] && [ $SECONDS -lt $deadline ] && kill -0 "$DAEMON_PID" 2>/dev/null; do
    sleep 0.5
done
check "the SIM ends empty" "$(sim_inbox)" 0
wait_for "SELECT NOT EXISTS (SELECT 1 FROM sms_in WHERE state = 'open')
             AND NOT EXISTS (SELECT 1 FROM outbox WHERE status IN ('queued', 'sending'))" 75 || true
say "corpus taken in and answered in $((SECONDS - start)) s"

if [ -n "${POISON_DUMP:-}" ]; then
    q "SELECT m.sender, m.kind, m.state, (c.id IS NOT NULL), c.incomplete,
              (SELECT string_agg(o.kind || ':' || o.status, ',') FROM outbox o WHERE o.sms_in_id = m.id),
              replace(coalesce(c.text, m.text), E'\n', '\\n')
         FROM sms_in m LEFT JOIN complaint c ON c.sms_in_id = m.id ORDER BY m.id"
fi

# One check per case per property. A sender's messages all have the same outcome in the table
# (reused_ref has two messages from one sender, both complaints).
while IFS=$'\t' read -r name sender kind complaint reply substr nmsg; do
    case $name in '#'* | '') continue ;; esac
    s=$(sql_lit "$sender")
    check "$name: stored as $nmsg message(s)" "$(q "SELECT count(*) FROM sms_in WHERE sender = $s")" "$nmsg"
    check "$name: kind" "$(q "SELECT coalesce(string_agg(DISTINCT kind, ','), 'none')
                              FROM sms_in WHERE sender = $s")" "$kind"
    check "$name: complaint" "$(q "SELECT CASE WHEN count(c.id) = 0 THEN 'no'
                                               WHEN count(c.id) = count(*) THEN 'yes' ELSE 'some' END
                                     FROM sms_in m LEFT JOIN complaint c ON c.sms_in_id = m.id
                                    WHERE m.sender = $s")" "$complaint"
    # A reply is any outgoing message to the sender or made from its messages; one that is
    # queued must also have left.
    check "$name: reply" "$(q "SELECT CASE WHEN count(*) = 0 THEN 'no'
                                           WHEN bool_and(status = 'sent') THEN 'yes'
                                           ELSE string_agg(status, ',') END
                                 FROM outbox WHERE destination = $s
                                    OR sms_in_id IN (SELECT id FROM sms_in WHERE sender = $s)")" "$reply"
    if [ "$substr" != - ]; then
        # Several substrings, separated by |, each in one of the sender's complaints.
        IFS='|' read -ra subs <<<"$substr"
        for sub in "${subs[@]}"; do
            check "$name: complaint text has '$sub'" \
                "$(q "SELECT count(*) > 0 FROM complaint c JOIN sms_in m ON m.id = c.sms_in_id
                       WHERE m.sender = $s AND position($(sql_lit "$sub") IN c.text) > 0")" t
        done
    fi
    if [ "$kind" = undecodable ]; then
        # Stored raw: the bytes on the SIM (SMSC part and all), as the manifest recorded them.
        # The sender's own PDU: a case may hold several senders.
        pdu=$(awk -F'\t' -v s="$sender" '$3 == s && $2 == "poison" { print $5; exit }' "$MANIFEST")
        check "$name: raw bytes kept" \
            "$(q "SELECT upper(encode(p.raw, 'hex')) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
                   WHERE m.sender = $s AND m.kind = 'undecodable' LIMIT 1")" "$pdu"
    fi
done <"$TSV"

# Every good message, each behind a poisonous one on the SIM: exactly one complaint, its reply sent.
bad_good=$(awk -F'\t' '$2 == "good" { print $3 "\t" $6 }' "$MANIFEST" | while IFS=$'\t' read -r g text; do
    r=$(q "SELECT (SELECT count(*) FROM complaint WHERE sender = '$g' AND text = '$text') || '/' ||
                  (SELECT count(*) FROM complaint WHERE sender = '$g') || '/' ||
                  (SELECT count(*) FROM outbox WHERE destination = '$g' AND status = 'sent')")
    [ "$r" = 1/1/1 ] || echo "$g:$r"
done)
check "every good message became exactly one complaint with its reply sent (bad: ${bad_good:-none})" \
    "$(echo -n "$bad_good" | grep -c . || true)" 0
# Held up means late: all of them are in within seconds, replies or not (those queue behind).
check "every good message was taken in within 20 s of the start" \
    "$(q "SELECT max(created_at) < '$t0'::timestamptz + interval '20 s' FROM complaint
           WHERE text LIKE 'Pesan baik %'")" t
check "good complaints" "$(q "SELECT count(*) FROM complaint WHERE text LIKE 'Pesan baik %'")" "$n_good"
check "no complaint text holds a control character other than newline" \
    "$(q "SELECT count(*) FROM complaint WHERE text ~ '[\x01-\x09\x0b-\x1f\x7f]'")" 0
check "no sms_in text holds a NUL stand-in or raw header bytes" \
    "$(q "SELECT count(*) FROM sms_in WHERE kind IN ('text', 'flash') AND text ~ '[\x01-\x09\x0b-\x1f\x7f]'")" 0
check "no message is still open" "$(q "SELECT count(*) FROM sms_in WHERE state = 'open'")" 0
# A part whose concatenation element cannot be right (part 0, total 0 or 1, part beyond the total)
# is a single SMS taken in at once, never a part that waits for the multipart timeout, which
# would mark its complaint incomplete.
check "no complaint with a part that cannot be placed waited for the timeout" \
    "$(q "SELECT count(*) FROM complaint c JOIN sms_in m ON m.id = c.sms_in_id
           WHERE c.incomplete AND (m.concat_total < 2 OR EXISTS (
                 SELECT 1 FROM sms_part p WHERE p.sms_in_id = m.id
                    AND (p.concat_seq < 1 OR p.concat_seq > m.concat_total)))")" 0
# An alphanumeric sender id is kept as its text, never with the raw septet codes libGammu gives.
check "no sender holds a control character" \
    "$(q "SELECT count(*) FROM sms_in WHERE sender ~ '[\x01-\x1f\x7f]'")" 0
check "no reply is left queued" "$(q "SELECT count(*) FROM outbox WHERE status IN ('queued', 'sending')")" 0
check "the daemon is still running" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
rc=0
daemon_stop || rc=$?
check "the daemon stops cleanly on SIGTERM" "$rc" 0
finish
