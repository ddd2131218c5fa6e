#!/usr/bin/env bash
# A multipart message with a part missing: after the multipart timeout the complaint is made from
# what arrived, marked incomplete, and replied to; the late part then joins the same complaint,
# which becomes complete, without a second ticket or a second reply.
. "$(dirname "$0")/../lib/common.sh"
lab_init "multipart_timeout = 2;"

text="Saya warga Kelurahan Sukabungah ingin melaporkan pelayanan surat domisili yang berbelit. \
Staf kelurahan menolak membuat surat keterangan domisili karena KTP saya dari Cianjur, padahal \
saya tinggal di sini sudah dua tahun. Di disdukcapil saya juga ditolak. Mohon kejelasan siapa \
yang berwenang menerbitkan surat domisili untuk syarat KPR. Terima kasih."
when=$(date +%s)
inject +6285700000001 "$text" --ref 200 --parts 1,3 --time "$when"
# Another sender's message with the same reference, complete, must stay apart from it.
other="Pesan lain dengan referensi yang sama dari pengirim lain, cukup panjang untuk dua bagian \
SMS supaya header penggabungan dipakai dan referensinya sama persis dengan pesan pertama tadi ya."
inject +6285700000002 "$other" --ref 200 --time "$when"

daemon_start
wait_for "SELECT count(*) = 2 FROM outbox WHERE status = 'sent'" 30
check "the other sender's message is complete and its own" \
    "$(q "SELECT text FROM complaint WHERE sender = '+6285700000002'")" "$other"
check "the incomplete message became one complaint" \
    "$(q "SELECT count(*) FROM complaint WHERE sender = '+6285700000001'")" 1
check "... marked incomplete" \
    "$(q "SELECT incomplete FROM complaint WHERE sender = '+6285700000001'")" t
ticket=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6285700000001'")
check "... replied to with its ticket" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '+6285700000001' AND status = 'sent'
          AND position('#$ticket' IN text) > 0")" 1
part1=$(q "SELECT p.text FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
           WHERE m.sender = '+6285700000001' AND p.concat_seq = 1")
part3=$(q "SELECT p.text FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
           WHERE m.sender = '+6285700000001' AND p.concat_seq = 3")
check "... its text is parts 1 and 3 in order" \
    "$(q "SELECT text FROM complaint WHERE sender = '+6285700000001'")" "$part1$part3"

inject +6285700000001 "$text" --ref 200 --parts 2 --time "$when"
wait_for "SELECT NOT incomplete FROM complaint WHERE sender = '+6285700000001'" 30
check "the late part joined the same ticket" \
    "$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6285700000001'")" "$ticket"
check "... whose text is now the whole message" \
    "$(q "SELECT text FROM complaint WHERE sender = '+6285700000001'")" "$text"
check "... still one complaint and one reply" \
    "$(q "SELECT (SELECT count(*) FROM complaint WHERE sender = '+6285700000001') ||
                 '/' || (SELECT count(*) FROM outbox WHERE destination = '+6285700000001')")" 1/1
check "the history says a part was added" \
    "$(q "SELECT string_agg(kind, ',' ORDER BY e.id) FROM complaint_event e
          JOIN complaint c ON c.id = e.complaint_id WHERE c.sender = '+6285700000001'")" \
    created,part_added
daemon_stop
finish
