#!/usr/bin/env bash
# Intake end to end through the dummy modem and a real PostgreSQL: a single SMS, a 3-part message
# whose parts arrive out of order, and a UCS-2 message with an emoji and curly quotes. Each must
# give exactly one complaint whose text is what was sent, and one reply, sent, with its ticket.
. "$(dirname "$0")/../lib/common.sh"
lab_init

single="Jalan di depan SDN 3 rusak parah, mohon segera diperbaiki."
long="LAPOR jalan desa Sukamaju kec. Cibeber berlubang sepanjang 2 km sejak Januari, sudah 3x \
warga lapor ke kelurahan tapi tdk ada tindak lanjut. Anak sekolah sering jatuh dari motor, \
mohon dinas PU segera turun ke lokasi. Terima kasih atas perhatiannya bapak/ibu. Salam warga RT 04/RW 02, \
Desa Sukamaju, Kabupaten Cianjur, Jawa Barat."
emoji="Listrik padam 3 hari 😡 “katanya” gangguan trafo — kapan diperbaiki?"

inject +6281234500001 "$single"
# Parts 3, 1, 2 of one message: the modem holds them in this order.
inject +6281234500002 "$long" --ref 77 --parts 3,1,2
inject "+62 812-3450-0003" "$emoji"
check "the long message needs three parts" "$(ls "$MODEM/sms/1" | wc -l)" 5

daemon_start
wait_for "SELECT count(*) = 3 FROM outbox WHERE status = 'sent'" 60

check "three complaints" "$(q "SELECT count(*) FROM complaint")" 3
for who in 1 2 3; do
    sender=+628123450000$who
    # A leading LAPOR is dropped from the complaint (PRODUCT.md, SMS grammar).
    case $who in 1) text=$single ;; 2) text=${long#LAPOR } ;; 3) text=$emoji ;; esac
    check "$sender: one complaint" "$(q "SELECT count(*) FROM complaint WHERE sender = '$sender'")" 1
    got=$(q "SELECT text FROM complaint WHERE sender = '$sender'")
    check "$sender: the complaint's text is what was sent" "$got" "$text"
    check "$sender: one reply, sent" \
        "$(q "SELECT count(*) FROM outbox WHERE destination = '$sender' AND status = 'sent'")" 1
    check "$sender: the reply carries the ticket" \
        "$(q "SELECT position('#' || ticket_of(c.id) IN o.text) > 0 FROM complaint c
              JOIN outbox o ON o.complaint_id = c.id WHERE c.sender = '$sender'")" t
    check "$sender: the complaint is complete" \
        "$(q "SELECT incomplete FROM complaint WHERE sender = '$sender'")" f
done
check "the first ticket is #1000002 (100000 and its Damm digit)" \
    "$(q "SELECT min(ticket_of(id)) FROM complaint")" 1000002
check "the reply is the Indonesian template" \
    "$(q "SELECT text FROM outbox WHERE destination = '+6281234500001'")" \
    "LAPOR! Terima kasih, laporan Anda diterima. No tiket #1000002. Cek status: ketik CEK 1000002 kirim ke 1708"
check "every part of the reply recorded as sent" \
    "$(q "SELECT count(*) FROM outbox_part WHERE status <> 'sent'")" 0
check "the modem's inbox is empty" "$(ls "$MODEM/sms/1" | wc -l)" 0
check "the 3-part message stored as three parts" \
    "$(q "SELECT count(*) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
          WHERE m.sender = '+6281234500002'")" 3
check "no concatenation header in any text" \
    "$(q "SELECT count(*) FROM complaint WHERE text ~ '[\x01-\x08]'")" 0
check "the emoji message was stored as UCS-2" \
    "$(q "SELECT DISTINCT coding FROM sms_part WHERE sender_raw LIKE '%0003'")" ucs2
check "no message text in the log at info level" "$(grep -c 'Sukamaju' "$DAEMON_LOG" || true)" 0

# The same part delivered again (a modem that did not delete it) gives no second complaint.
inject +6281234500001 "$single" --time "$(q "SELECT extract(epoch FROM smsc_time)::bigint FROM sms_part WHERE sender_raw = '+6281234500001'")"
for _ in $(seq 100); do [ "$(modem_files)" -eq 0 ] && break; sleep 0.1; done
check "a redelivered SMS is recognised, not a second complaint" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+6281234500001'")" 1
check "... and it is gone from the modem" "$(ls "$MODEM/sms/1" | wc -l)" 0

# Through the dummy driver too, a message's text is joined unit by unit: an emoji cut by the part
# boundary (a phone's splitter never cuts one; a hostile sender may) comes back whole, and a '~'
# stays one '~' (libGammu doubles it only in its PDU decoder, not in the dummy driver's files).
dummy_part() { # dummy_part N SEQ UNITS_HEX: part SEQ of 2 (reference 0x5A) from +6281234500004
    printf '[SMSBackup000]\nSMSC = "+6281100000"\nSent = 20240315T083000\nState = UnRead
Number = "+6281234500004"\nCoding = Unicode\nUDH = 0500035A02%02X\nText00 = %s\n' "$2" "$3" \
        >"$T/part$1"
    mv "$T/part$1" "$MODEM/sms/1/$1"
}
hex16() { /usr/bin/python3 -c 'import sys; print(sys.argv[1].encode("utf-16-be").hex().upper())' "$1"; }
dummy_part 9002 2 "DE21$(hex16 " ~ jalan tertutup, mohon dibersihkan")"
dummy_part 9001 1 "$(hex16 "Pohon tumbang di Jl. Kenanga ")D83D"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+6281234500004' AND status = 'sent'" 20
check "dummy driver: an emoji cut by the part boundary is whole, a '~' is one" \
    "$(q "SELECT text FROM complaint WHERE sender = '+6281234500004'")" \
    "Pohon tumbang di Jl. Kenanga 😡 ~ jalan tertutup, mohon dibersihkan"

# The operators' view: the daemon's modem is up, with its worker and figures.
wait_for "SELECT modem_connected AND imei IS NOT NULL FROM heartbeat" 20
status_json >"$T/status.json"
check "status: one modem, up" "$(json_get modems.0.up <"$T/status.json")" true
check "status: its instance" "$(json_get modems.0.instance <"$T/status.json")" test1
check "status: the modem worker runs" \
    "$(json_get modems.0.worker_pid <"$T/status.json" | grep -cE '^[0-9]+$')" 1
check "status: the dummy modem's IMEI" "$(json_get modems.0.imei <"$T/status.json")" 999999999999999
check "status: four replies sent" "$(json_get queues.replies.sent <"$T/status.json")" 4
check "status for people names the instance" "$("$SMSCTL" -c "$CONF" status | grep -c '^test1 .* up ')" 1

rc=0
daemon_stop || rc=$?
check "SIGTERM ends the daemon cleanly" "$rc" 0

# Every batch goes in through intake_batch() (sql/repeatable/60_intake_batch.sql): parts, some
# single SMS carrying their complaints, and complaints of messages stored before.
# ib SELECT PARTS COMPLAINTS: SELECT over its rows; PARTS and COMPLAINTS are the arrays of each
# (see none_parts and none_complaints for their columns).
none_parts="ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::float8[], ARRAY[]::text[],
    ARRAY[]::smallint[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::text[],
    ARRAY[]::int[], ARRAY[]::int[], ARRAY[]::int[], ARRAY[]::text[], ARRAY[]::boolean[],
    ARRAY[]::text[], ARRAY[]::boolean[]"
none_complaints="ARRAY[]::bigint[], ARRAY[]::text[], ARRAY[]::text[], ARRAY[]::boolean[],
    ARRAY[]::boolean[], ARRAY[]::text[], ARRAY[]::boolean[], ARRAY[]::int[]"
ib() { q "SELECT $1 FROM intake_batch('test1', 'test', 3600, 600, 5, 3600, $2, $3) x"; }
# singles SENDER EPOCH ...: single SMS 'Jalan rusak', each carrying its complaint
singles() {
    local s=() e=() k=$(($# / 2))
    while [ $# -gt 0 ]; do s+=("'$1'") e+=("$2"); shift 2; done
    local IFS=,
    echo "ARRAY[${s[*]}], ARRAY[${s[*]}], array_fill('+628110'::text, ARRAY[$k]),
        ARRAY[${e[*]}]::float8[], array_fill('gsm7'::text, ARRAY[$k]),
        array_fill(NULL::smallint, ARRAY[$k]), array_fill('text'::text, ARRAY[$k]),
        array_fill(''::text, ARRAY[$k]), array_fill('0041'::text, ARRAY[$k]),
        array_fill('Jalan rusak'::text, ARRAY[$k]), array_fill(NULL::int, ARRAY[$k]),
        array_fill(NULL::int, ARRAY[$k]), array_fill(NULL::int, ARRAY[$k]),
        array_fill('Jalan rusak'::text, ARRAY[$k]), array_fill(false, ARRAY[$k]),
        array_fill(''::text, ARRAY[$k]), array_fill(true, ARRAY[$k])"
}
check "a single SMS taken in with its complaint" \
    "$(ib "x.outcome || ':' || (x.complaint_id IS NOT NULL)" "$(singles +6281234500009 1700000000)" \
        "$none_complaints")" "single:true"
check "... is a duplicate when read again, with no second complaint" \
    "$(ib "x.outcome || ':' || (x.complaint_id IS NULL)" "$(singles +6281234500009 1700000000)" \
        "$none_complaints")" "duplicate:true"
check "... which made one message, pointing at its one complaint" \
    "$(q "SELECT count(*) || ' ' || bool_and(m.command = 'complaint' AND c.sms_in_id = m.id)
          FROM sms_in m JOIN complaint c ON c.id = m.complaint_id
         WHERE m.sender = '+6281234500009'")" "1 true"

batch() { # batch SENDER1 EPOCH1 SENDER2 EPOCH2: two single complaints in one call
    ib "string_agg(x.ord || ':' || x.outcome || ':' || coalesce(x.resent, false), ' ' ORDER BY x.ord)" \
        "$(singles "$@")" "$none_complaints"
}
check "a batch knows a part stored before, and takes in a new one" \
    "$(batch +6281234500009 1700000000 +6281234500010 1700000000)" "1:duplicate:false 2:single:false"
check "the same text again, sent later, joins the ticket it opened" \
    "$(batch +6281234500010 1700000060 +6281234500011 1700000060)" "1:single:true 2:single:false"
check "... one ticket for the two messages of +6281234500010, each message pointing at it" \
    "$(q "SELECT count(DISTINCT m.id) || ' ' || count(DISTINCT m.complaint_id) || ' '
                 || string_agg(m.command, ',' ORDER BY m.id)
          FROM sms_in m WHERE m.sender = '+6281234500010'")" "2 1 complaint,resent"
check "... and the ticket's history says so" \
    "$(q "SELECT string_agg(e.kind, ',' ORDER BY e.id) FROM complaint_event e
           JOIN complaint c ON c.id = e.complaint_id WHERE c.sender = '+6281234500010'")" \
    "created,resent"

# Parts of concatenated messages must end where storing them one by one in order would: the
# groups that can be placed at once are placed so, every other group part by part.
# After the outcomes come the pieces of each message closed, to be joined by the caller: pSEQ.
parts() { # parts "SENDER REF TOTAL SEQ TEXT" ...: the outcomes, in order, then the pieces
    local s=() r=() t=() n=() x=() e
    for e in "$@"; do
        read -r a b c d f <<<"$e"
        s+=("'$a'") r+=("$b") t+=("$c") n+=("$d") x+=("'$f'")
    done
    local IFS=,
    ib "string_agg(CASE WHEN x.outcome = 'piece' THEN 'p' || x.piece_seq
                        ELSE x.ord || ':' || x.outcome END, ' ' ORDER BY x.ord)" \
        "ARRAY[${s[*]}], ARRAY[${s[*]}],
         array_fill('+628110'::text, ARRAY[$#]), array_fill(1700000000::float8, ARRAY[$#]),
         array_fill('gsm7'::text, ARRAY[$#]), array_fill(NULL::smallint, ARRAY[$#]),
         array_fill('text'::text, ARRAY[$#]), array_fill('0500'::text, ARRAY[$#]),
         array_fill('0041'::text, ARRAY[$#]), ARRAY[${x[*]}], ARRAY[${r[*]}],
         ARRAY[${t[*]}], ARRAY[${n[*]}], array_fill(NULL::text, ARRAY[$#]),
         array_fill(false, ARRAY[$#]), array_fill(''::text, ARRAY[$#]),
         array_fill(false, ARRAY[$#])" "$none_complaints"
}
# The daemon decodes a closed message's text from the parts sms_in_parts_to_join() picks (unit
# tests check the decoding); called directly, intake_batch() leaves the text to it.
joined() { q "SELECT string_agg(m.state || ':' || coalesce((SELECT string_agg(p.text, '' ORDER BY p.seq)
                FROM sms_in_parts_to_join(ARRAY[m.id]) p WHERE m.state <> 'open'), '-'), ' ' ORDER BY m.id)
                FROM sms_in m WHERE m.sender = '$1'"; }
check "a whole message in one batch: waiting, then complete" \
    "$(parts "+6281234500020 7 2 2 two" "+6281234500020 7 2 1 one")" "1:waiting 2:complete p1 p2"
check "... joined in part order" "$(joined +6281234500020)" "complete:onetwo"
check "... its parts are known when read again" \
    "$(parts "+6281234500020 7 2 1 one" "+6281234500021 7 2 1 one")" "1:duplicate 2:waiting"
check "the rest of a message begun in an earlier batch joins it" \
    "$(parts "+6281234500021 7 2 2 two")" "1:complete p1 p2"
check "... one message" "$(joined +6281234500021)" "complete:onetwo"
check "a part number twice in one batch: the second copy begins a message of its own" \
    "$(parts "+6281234500022 5 2 1 one" "+6281234500022 5 2 1 uno" "+6281234500022 5 2 2 two")" \
    "1:waiting 2:waiting 3:complete p1 p2"
check "... as storing them one by one would have it" "$(joined +6281234500022)" \
    "open:- complete:unotwo"
q "UPDATE sms_in SET state = 'incomplete', text = 'one', closed_at = now()
    WHERE sender = '+6281234500022' AND state = 'open'" >/dev/null
check "a part of a message the timeout closed joins it late" \
    "$(parts "+6281234500022 5 2 2 dua")" "1:late p1 p2"
check "... which is complete now" "$(joined +6281234500022)" "complete:onedua complete:unotwo"
check "the same part twice in one batch: the second is a duplicate of the first" \
    "$(parts "+6281234500023 5 3 1 one" "+6281234500023 5 3 1 one" "+6281234500023 5 3 9 nine")" \
    "1:waiting 2:duplicate 3:waiting"

# Complaints of messages stored before (the concatenated ones a batch completes, and those the
# timeout closes): a new ticket, or the earlier one for the same text again within the resend
# window; never for an incomplete message.
msg_of() { q "SELECT max(id) FROM sms_in WHERE sender = '$1' AND state = 'complete'"; }
together() { # together INCOMPLETE MSG SENDER ...: whether each was resent, in order
    local i=$1 m=() s=() t=()
    shift
    while [ $# -gt 0 ]; do m+=("$1") s+=("'$2'") t+=("'onetwo'"); shift 2; done
    local IFS=,
    ib "string_agg(x.ord || ':' || x.resent, ' ' ORDER BY x.ord)" "$none_parts" \
        "ARRAY[${m[*]}]::bigint[], ARRAY[${s[*]}], ARRAY[${t[*]}],
         array_fill($i, ARRAY[${#m[@]}]), array_fill(false, ARRAY[${#m[@]}]),
         array_fill(''::text, ARRAY[${#m[@]}]), array_fill(true, ARRAY[${#m[@]}]),
         array_fill(0, ARRAY[${#m[@]}])"
}
check "two completed messages from two senders: two new tickets" \
    "$(together false "$(msg_of +6281234500020)" +6281234500020 \
                      "$(msg_of +6281234500021)" +6281234500021)" "1:false 2:false"
check "... each its sender's, made of its message, which points at it" \
    "$(q "SELECT string_agg(c.sender || ':' || c.text, ' ' ORDER BY c.sender) FROM complaint c
            JOIN sms_in m ON m.id = c.sms_in_id AND m.complaint_id = c.id
           WHERE c.sender IN ('+6281234500020', '+6281234500021')")" \
    "+6281234500020:onetwo +6281234500021:onetwo"
parts "+6281234500020 8 2 1 one" "+6281234500020 8 2 2 two" >/dev/null
check "the same text again from one of them joins its ticket" \
    "$(together false "$(msg_of +6281234500020)" +6281234500020)" "1:true"
check "... both its messages point at that one ticket, each saying how" \
    "$(q "SELECT count(DISTINCT complaint_id) || ' ' || string_agg(command, ',' ORDER BY id)
          FROM sms_in WHERE sender = '+6281234500020'")" "1 complaint,resent"
parts "+6281234500020 9 2 1 one" "+6281234500020 9 2 2 two" >/dev/null
check "the same text in a message closed incomplete never joins" \
    "$(together true "$(msg_of +6281234500020)" +6281234500020)" "1:false"
# One lock order in every intake transaction: a poll's first call locks every number its parts
# come from, so taking in the complaints of the messages it completed (a second call) locks no
# new number. Two daemons whose polls hold the same two senders the other way round (one has
# X's single SMS and the last part of Y's message, the other Y's single and X's last part) wait
# for each other in turn and never deadlock.
X=+6281234500050 Y=+6281234500051
parts "$X 31 2 1 one" "$Y 32 2 1 one" >/dev/null
open_msg() { q "SELECT id FROM sms_in WHERE sender = '$1' AND concat_ref = $2"; }
poll_part() { # poll_part SINGLE_FROM LAST_PART_FROM REF: the parts of one poll
    echo "ARRAY['$1', '$2'], ARRAY['$1', '$2'], array_fill('+628110'::text, ARRAY[2]),
        array_fill(1700000000::float8, ARRAY[2]), array_fill('gsm7'::text, ARRAY[2]),
        array_fill(NULL::smallint, ARRAY[2]), array_fill('text'::text, ARRAY[2]),
        ARRAY['', '0500'], array_fill('0041'::text, ARRAY[2]), ARRAY['Air mati', 'two'],
        ARRAY[NULL, $3]::int[], ARRAY[NULL, 2]::int[], ARRAY[NULL, 2]::int[],
        ARRAY['Air mati', NULL], array_fill(false, ARRAY[2]), array_fill(''::text, ARRAY[2]),
        array_fill(true, ARRAY[2])"
}
completed() { # completed MSG SENDER: the complaint of a message the poll completed
    echo "ARRAY[$1]::bigint[], ARRAY['$2'], ARRAY['onetwo'], ARRAY[false], ARRAY[false],
        ARRAY[''], ARRAY[true], ARRAY[0]"
}
poll_sql() { # poll_sql SINGLE_FROM LAST_PART_FROM REF DELAY: one poll's transaction
    local call="SELECT count(*) FROM intake_batch('test1', 'test', 3600, 600, 5, 3600,"
    printf '%s\n' "BEGIN;" "$call $(poll_part "$1" "$2" "$3"), $none_complaints);" \
        "SELECT pg_sleep($4);" \
        "$call $none_parts, $(completed "$(open_msg "$2" "$3")" "$2"));" "COMMIT;"
}
poll_sql "$X" "$Y" 32 1 >"$T/poll1.sql"
poll_sql "$Y" "$X" 31 0 >"$T/poll2.sql"
psql_file() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -f "$1" >"$1.out" 2>&1; }
psql_file "$T/poll1.sql" & first=$!
sleep 0.3
psql_file "$T/poll2.sql" & second=$!
rc1=0 rc2=0
wait "$first" || rc1=$?
wait "$second" || rc2=$?
check "two polls holding two senders the other way round both commit, no deadlock" \
    "$rc1 $rc2 $(cat "$T/poll1.sql.out" "$T/poll2.sql.out" | grep -c deadlock)" "0 0 0"
check "... each sender's single SMS and completed message a complaint of its own" \
    "$(q "SELECT count(*) FROM complaint WHERE sender IN ('$X', '$Y')")" 4

# A part read again by a daemon whose session has another TimeZone and DateStyle (a restart under
# another PGTZ, or a role's settings) finds its own row: its key never depends on how a
# timestamp is written. The first daemon dies after the commit, before the delete.
inject +6281234500040 "Sampah menumpuk di pasar sejak minggu lalu"
PGTZ=Asia/Jakarta PGDATESTYLE="ISO, YMD" LAPOR_CRASH_AT=committed:1 daemon_start
wait "$DAEMON_PID" 2>/dev/null || true
DAEMON_PID=
check "the part is stored and still on the modem after the crash" \
    "$(q "SELECT count(*) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
           WHERE m.sender = '+6281234500040'") $(modem_files)" "1 1"
PGTZ=America/Sao_Paulo PGDATESTYLE="SQL, DMY" daemon_start
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+6281234500040' AND status = 'sent'" 60
daemon_stop
check "... read again under another TimeZone and DateStyle, it is the same part: stored once" \
    "$(q "SELECT count(*) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
           WHERE m.sender = '+6281234500040'") $(modem_files)" "1 0"
finish
