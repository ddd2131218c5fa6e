#!/usr/bin/env bash
# Citizens' commands end to end, through the dummy modem and a real PostgreSQL: a complaint, then
# CEK, TAMBAH, CEK and BATAL from its sender; the same CEK from another number; a mistyped ticket;
# BANTUAN; RAHASIA; a routing keyword; a resent text; the number written in other ways; complaints
# that begin with a command word, and TL / SELESAI from a number that is no liaison's.
. "$(dirname "$0")/../lib/common.sh"
lab_init "replies = { budget = 50; };" "multipart_timeout = 2;"
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
# confirm_and_wait NUMBER TEXT NORM: TAMBAH or BATAL, its code answered, and waits for its reply.
confirm_and_wait() {
    send_confirmed "$1" "$2" "$3"
    wait_for "SELECT kind <> 'confirm_ask' AND status = 'sent' FROM outbox
               WHERE destination = '$3' ORDER BY id DESC LIMIT 1" 30
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

confirm_and_wait 6281311112222 "TAMBAH#$ticket: lubangnya sudah 1 meter" "$ME"
check "TAMBAH is accepted" "$(last_reply "$ME" | grep -c "tambahan untuk tiket #$ticket")" 1
check "... and kept in the ticket's history" \
    "$(q "SELECT detail FROM complaint_event WHERE kind = 'info_added'")" "lubangnya sudah 1 meter"

say_and_wait 081311112222 "STATUS:$ticket" "$ME"
check "the second CEK still shows the status" "$(last_reply "$ME" | grep -c 'belum diverifikasi')" 1

confirm_and_wait "0062 813 1111 2222" "batal $ticket" "$ME"
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

# A command word never swallows a complaint: each of these is a complaint, its text as typed, with
# a ticket of its own and the ticket reply. TL and SELESAI are liaisons' words only.
CIT=+6285611112222
for text in "Bantuan PKH ibu saya belum cair sejak maret" \
    "info jalan desa rusak berat belum diperbaiki" \
    "cek kesehatan gratis di puskesmas tidak dilayani" \
    "status honorer kami belum jelas" \
    "batal berangkat umroh uang belum kembali" \
    "TL $ticket jalan di depan rumah saya belum diperbaiki" \
    "Selesai sekolah anak saya tidak dapat ijazah"; do
    say_and_wait 085611112222 "$text" "$CIT"
    got=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '$CIT' AND text = '$text'")
    check "\"${text:0:12}...\" is a complaint with its text as typed" "${got:+yes}" yes
    check "... answered with its own ticket" "$(last_reply "$CIT" | grep -c "No tiket #$got\.")" 1
done
check "seven complaints, seven tickets" "$(q "SELECT count(*) FROM complaint WHERE sender = '$CIT'")" 7
check "the TL from a number that is no liaison's touched the ticket it names not at all" \
    "$(q "SELECT count(*) FROM complaint_event WHERE kind = 'refused'")" 0

# The same in two parts, the second one late: the complaint is made at the multipart timeout,
# and the late part mends its text, which is still all the citizen typed, TL and number too.
LATE=+6285622223333
late_text="TL $ticket jalan di depan rumah saya belum diperbaiki juga padahal sudah dilaporkan \
berkali kali ke kelurahan dan kecamatan, lubangnya makin dalam dan sudah ada dua pengendara motor \
yang jatuh minggu ini, mohon segera ditindaklanjuti oleh dinas pekerjaan umum sebelum ada korban."
when=$(date +%s)
inject 085622223333 "$late_text" --ref 77 --parts 1 --time "$when"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$LATE' AND status = 'sent'" 30
inject 085622223333 "$late_text" --ref 77 --parts 2 --time "$when"
wait_for "SELECT NOT incomplete FROM complaint WHERE sender = '$LATE'" 30
check "a late part mends a complaint that begins with TL into the whole text" \
    "$(q "SELECT text FROM complaint WHERE sender = '$LATE'")" "$late_text"

# Real commands, the way citizens type them, still work.
mine=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '$CIT' AND text LIKE 'status%'")
say_and_wait 085611112222 "cek no tiket $mine" "$CIT"
check "\"cek no tiket N\" gives the status" "$(last_reply "$CIT" | grep -c "Status tiket #$mine:")" 1
say_and_wait 085611112222 "info $mine" "$CIT"
check "TAMBAH/INFO with nothing to add gives the status, which says how to add" \
    "$(last_reply "$CIT" | grep -c "Status tiket #$mine: .*ketik TAMBAH $mine")" 1
confirm_and_wait 085611112222 "info tiket $mine sudah 5 tahun" "$CIT"
check "\"info tiket N text\" adds the text" "$(last_reply "$CIT" | grep -c "tambahan untuk tiket #$mine")" 1
say_and_wait 085611112222 "cek 123" "$CIT"
check "a short number alone is a ticket attempt, not valid" "$(last_reply "$CIT" | grep -c 'tidak valid')" 1
say_and_wait 085611112222 "bantuan 1708" "$CIT"
check "a help word with filler gets the help" "$(last_reply "$CIT" | grep -c 'Kirim keluhan ke 1708')" 1
check "none of those made a complaint" "$(q "SELECT count(*) FROM complaint WHERE sender = '$CIT'")" 7

# No reply to a sender that is not a mobile number; every message is stored all the same.
inject TELKOMSEL "Selamat! Anda mendapat bonus kuota 1GB"
inject 3636 "Info tagihan Anda"
wait_for "SELECT count(*) = 2 FROM sms_in WHERE sender IN ('TELKOMSEL', '+3636', '3636')" 30
sleep 1
check "no reply to an alphanumeric sender or a short code" \
    "$(q "SELECT count(*) FROM outbox WHERE destination IN ('TELKOMSEL', '3636')")" 0
check "every message stored (8, 9, 13 and 1 from four numbers, 2 from services)" "$(q "SELECT count(*) FROM sms_in")" 33
daemon_stop
finish
