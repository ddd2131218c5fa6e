#!/usr/bin/env bash
# Citizens' commands end to end, through the dummy modem and a real PostgreSQL: a complaint, then
# CEK, TAMBAH, CEK and BATAL from its sender; the same CEK from another number; a mistyped ticket;
# BANTUAN; RAHASIA; a routing keyword; a resent text; the number written in other ways.
. "$(dirname "$0")/../lib/common.sh"
lab_init "replies = { budget = 50; };"
q "INSERT INTO agency (code, name) VALUES ('PDAM', 'PDAM Tirta Kota')"
q "INSERT INTO agency_keyword (keyword, agency_id) SELECT 'PDAM', id FROM agency WHERE code = 'PDAM'"
daemon_start

ME=+6281311112222
OTHER=+6285799998888
# last_reply NUMBER: the text of the newest reply queued to NUMBER.
last_reply() { q "SELECT text FROM outbox WHERE destination = '$1' ORDER BY id DESC LIMIT 1"; }
replies_to() { q "SELECT count(*) FROM outbox WHERE destination = '$1'"; }
# say_and_wait NUMBER TEXT: sends TEXT from NUMBER and waits for one more reply to the number.
say_and_wait() {
    local norm=$3 before
    before=$(replies_to "$norm")
    inject "$1" "$2"
    wait_for "SELECT count(*) > $before FROM outbox WHERE destination = '$norm' AND status = 'sent'" 30
}

say_and_wait 081311112222 "Lapor: jalan di depan pasar Kranji berlubang besar" "$ME"
ticket=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '$ME'")
check "the complaint drops the leading LAPOR" \
    "$(q "SELECT text FROM complaint WHERE sender = '$ME'")" "jalan di depan pasar Kranji berlubang besar"
check "it gets its ticket" "$(last_reply "$ME" | grep -c "#$ticket")" 1

say_and_wait "+62 0813-1111-2222" "cek $ticket" "$ME"
check "CEK from the sender (written +62 0813...) gives the status" \
    "$(last_reply "$ME")" \
    "LAPOR! Status tiket #$ticket: diterima, belum diverifikasi. Tambah info: ketik TAMBAH $ticket <isi> kirim ke 1708"

say_and_wait 6281311112222 "TAMBAH#$ticket: lubangnya sudah 1 meter" "$ME"
check "TAMBAH is accepted" "$(last_reply "$ME" | grep -c "tambahan untuk tiket #$ticket")" 1
check "... and kept in the ticket's history" \
    "$(q "SELECT detail FROM complaint_event WHERE kind = 'info_added'")" "lubangnya sudah 1 meter"

say_and_wait 081311112222 "STATUS:$ticket" "$ME"
check "the second CEK still shows the status" "$(last_reply "$ME" | grep -c 'belum diverifikasi')" 1

say_and_wait "0062 813 1111 2222" "batal $ticket" "$ME"
check "BATAL withdraws the ticket" "$(q "SELECT status FROM complaint WHERE sender = '$ME'")" dibatalkan
check "... and says so" "$(last_reply "$ME" | grep -c "#$ticket telah dibatalkan")" 1
say_and_wait 081311112222 "CEK$ticket" "$ME"
check "CEK after BATAL shows it withdrawn" "$(last_reply "$ME" | grep -c 'dibatalkan oleh pelapor')" 1

say_and_wait 085799998888 "CEK $ticket" "$OTHER"
other_reply=$(last_reply "$OTHER")
missing=$(q "SELECT ticket_of(max(id) + 1000) FROM complaint")
say_and_wait 085799998888 "CEK $missing" "$OTHER"
check "another number's CEK gets exactly the answer of a ticket that does not exist" \
    "${other_reply//$ticket/T}" "$(last_reply "$OTHER" | sed "s/$missing/T/g")"
check "... which does not reveal the status" "$(echo "$other_reply" | grep -c 'dibatalkan')" 0
say_and_wait 085799998888 "BATAL $ticket" "$OTHER"
check "another number cannot withdraw it either" \
    "$(last_reply "$OTHER" | grep -c 'tidak ditemukan')" 1

mistyped=$((ticket + 1))
say_and_wait 085799998888 "cek $mistyped" "$OTHER"
check "a mistyped ticket is not valid" "$(last_reply "$OTHER" | grep -c 'tidak valid')" 1
say_and_wait 085799998888 "CEK" "$OTHER"
check "CEK without a number asks for one" "$(last_reply "$OTHER" | grep -c 'Sertakan nomor tiket')" 1
say_and_wait 085799998888 "  bantuan " "$OTHER"
check "BANTUAN explains how to use 1708" "$(last_reply "$OTHER" | grep -c 'Kirim keluhan ke 1708')" 1

say_and_wait 085799998888 "RAHASIA pungutan liar di kantor kelurahan" "$OTHER"
check "RAHASIA makes a confidential complaint" \
    "$(q "SELECT confidential || '|' || text FROM complaint WHERE sender = '$OTHER'")" \
    "true|pungutan liar di kantor kelurahan"
say_and_wait 085799998888 "PDAM air keruh sejak 3 hari di perumahan Griya" "$OTHER"
check "an agency's keyword is recorded on the complaint" \
    "$(q "SELECT keyword FROM complaint WHERE text LIKE 'PDAM air keruh%'")" PDAM
check "a first word that is no keyword is not" \
    "$(q "SELECT keyword IS NULL FROM complaint WHERE sender = '$ME'")" t

# A citizen who resends because no reply came gets the same ticket again. The resend leaves the
# phone later, so its SMSC time differs (the same time too would make it a redelivered copy).
before=$(replies_to "$OTHER")
inject 085799998888 "PDAM air keruh sejak 3 hari di perumahan Griya" --time $(($(date +%s) + 90))
wait_for "SELECT count(*) > $before FROM outbox WHERE destination = '$OTHER' AND status = 'sent'" 30
check "the same text again makes no second complaint" \
    "$(q "SELECT count(*) FROM complaint WHERE text LIKE 'PDAM air keruh%'")" 1
first=$(q "SELECT ticket_of(id) FROM complaint WHERE text LIKE 'PDAM air keruh%'")
check "... and gets the same ticket number" "$(last_reply "$OTHER" | grep -c "#$first")" 1
check "... the resend is in the ticket's history" \
    "$(q "SELECT count(*) FROM complaint_event WHERE kind = 'resent'")" 1

# No reply to a sender that is not a mobile number; every message is stored all the same.
inject TELKOMSEL "Selamat! Anda mendapat bonus kuota 1GB"
inject 3636 "Info tagihan Anda"
wait_for "SELECT count(*) = 2 FROM sms_in WHERE sender IN ('TELKOMSEL', '+3636', '3636')" 30
sleep 1
check "no reply to an alphanumeric sender or a short code" \
    "$(q "SELECT count(*) FROM outbox WHERE destination IN ('TELKOMSEL', '3636')")" 0
check "every message stored (6 from one number, 9 from the other, 2 from services)" "$(q "SELECT count(*) FROM sms_in")" 17
daemon_stop
finish
