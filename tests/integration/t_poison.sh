#!/usr/bin/env bash
# One hostile SMS must not take 1708 down. Through the AT modem simulator and libGammu's own AT
# driver: a SIM holding ten good messages and one 7-bit PDU whose length field says 200 septets
# (libGammu aborts on it in GSM_GetNextSMS, and again in GSM_DeleteSMS). The ten become ten
# complaints with replies, the bad one is stored raw with no reply, the SIM ends empty, the daemon
# is still running, and status shows what happened.
. "$(dirname "$0")/../lib/common.sh"
SIM=$T/sim
mkdir -p "$SIM/inbox"
lab_init "heartbeat = 1;"

for i in 1 2 3 4 5; do
    sim_put "+62812777000$i" "Laporan baik nomor $i: jalan rusak di RT 0$i."
done
$MKPDU --malformed udl200 --from +6281277700066 --out-dir "$SIM/inbox" >/dev/null
poison_index=$(ls "$SIM/inbox" | sort -n | tail -n 1)
poison_hex=$(tr -d '\r\n' <"$SIM/inbox/$poison_index")
for i in 6 7 8 9; do
    sim_put "+62812777000$i" "Laporan baik nomor $i: lampu jalan mati di RT 0$i."
done
sim_put +628127770010 "Laporan baik nomor 10, panjang: $(printf 'sampah menumpuk di pasar %.0s' $(seq 12))"
check "the SIM holds ten messages (twelve parts) and the poisonous one" "$(sim_inbox)" 13

daemon_start
wait_for "SELECT count(*) = 10 FROM outbox WHERE status = 'sent'" 120
check "ten complaints" "$(q "SELECT count(*) FROM complaint")" 10
check "each good message is its own complaint" \
    "$(q "SELECT count(DISTINCT sender) FROM complaint WHERE text LIKE 'Laporan baik nomor %'")" 10
check "the poisonous message is stored as undecodable" \
    "$(q "SELECT count(*) FROM sms_in WHERE kind = 'undecodable'")" 1
check "... with its raw bytes" \
    "$(q "SELECT upper(encode(p.raw, 'hex')) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
          WHERE m.kind = 'undecodable'")" "$(echo "$poison_hex" | tr a-f A-F)"
check "... and its sender, read without libGammu" \
    "$(q "SELECT sender FROM sms_in WHERE kind = 'undecodable'")" +6281277700066
check "... no complaint and no reply for it" \
    "$(q "SELECT count(*) FROM complaint c JOIN sms_in m ON m.id = c.sms_in_id
          WHERE m.kind = 'undecodable'") $(q "SELECT count(*) FROM outbox WHERE destination = '+6281277700066'")" "0 0"
check "ten replies reached the modem" "$(sim_sent)" 10
check "the SIM ends empty" "$(sim_inbox)" 0
check "the daemon is still running" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
status_json >"$T/status.json"
check "status: the modem is up again" "$(json_get modems.0.up <"$T/status.json")" true
check "status: one undecodable message taken off" \
    "$(json_get modems.0.undecodable_taken <"$T/status.json")" 1
check "status: the workers that died are counted" \
    "$(json_get modems.0.worker_deaths <"$T/status.json" | awk '{print ($1 >= 2)}')" 1
check "status: the last death is named" \
    "$(json_get modems.0.last_worker_death <"$T/status.json" | grep -c 'signal')" 1
check "status: undecodable messages in the queues" \
    "$(json_get queues.undecodable_messages <"$T/status.json")" 1
check "the log tells operators" "$(grep -c 'undecodable message at SIM index' "$DAEMON_LOG")" 1
check "every good part taken in exactly once, and the bad one" "$(q "SELECT count(*) FROM sms_part")" 13

# Malformed headers that make libGammu's GSM_LinkSMS spin or its decoder give up, and two senders
# sharing one reference: nothing hangs, and every sender's text is its own.
$MKPDU --malformed concat-part-zero --from +6281277700070 --out-dir "$SIM/inbox" >/dev/null
$MKPDU --malformed udh-longer-than-ud --from +6281277700071 --out-dir "$SIM/inbox" >/dev/null
shared="Dua pengirim memakai referensi yang sama untuk pesan panjang mereka, masing-masing harus \
tetap menjadi laporannya sendiri tanpa tercampur dengan pesan orang lain sama sekali."
sim_put +6281277700072 "A: $shared" --ref 99
sim_put +6281277700073 "B: $shared" --ref 99
sim_put +6281277700074 "Pesan biasa sesudah semua itu."
wait_for "SELECT count(*) = 3 FROM complaint WHERE sender IN ('+6281277700072', '+6281277700073', '+6281277700074')" 120
# The malformed one is taken off through the rescue path, which may finish after the
# good messages behind it are already complaints.
wait_for "SELECT count(*) = 1 FROM sms_in WHERE sender = '+6281277700071'" 60
check "sender A's text is A's" "$(q "SELECT text FROM complaint WHERE sender = '+6281277700072'")" "A: $shared"
check "sender B's text is B's" "$(q "SELECT text FROM complaint WHERE sender = '+6281277700073'")" "B: $shared"
check "the part-0 message is stored, not lost" \
    "$(q "SELECT count(*) FROM sms_in WHERE sender = '+6281277700070'")" 1
check "the header-longer-than-data message is stored raw" \
    "$(q "SELECT kind FROM sms_in WHERE sender = '+6281277700071'")" undecodable
# Text that libGammu hands back broken (a lone surrogate, U+0000) is stored valid, with U+FFFD.
$MKPDU --malformed ucs2-lone-surrogate --from +6281277700075 --out-dir "$SIM/inbox" >/dev/null
$MKPDU --malformed ucs2-nul --from +6281277700076 --out-dir "$SIM/inbox" >/dev/null
$MKPDU --malformed status-report --from +6281277700077 --out-dir "$SIM/inbox" >/dev/null
$MKPDU --malformed 8bit --from +6281277700078 --out-dir "$SIM/inbox" >/dev/null
wait_for "SELECT count(*) = 3 FROM sms_in WHERE sender IN ('+6281277700075', '+6281277700076',
          '+6281277700078')" 60
wait_for "SELECT count(*) = 1 FROM sms_in WHERE kind = 'status_report'" 30
check "the status report is stored as one, no complaint" \
    "$(q "SELECT count(*) FROM complaint c JOIN sms_in m ON m.id = c.sms_in_id WHERE m.kind = 'status_report'")" 0
check "a lone surrogate becomes U+FFFD" \
    "$(q "SELECT position(U&'\\FFFD' IN text) > 0 FROM complaint WHERE sender = '+6281277700075'")" t
check "U+0000 becomes U+FFFD, and the text goes on after it" \
    "$(q "SELECT position(U&'\\FFFD' IN text) > 0 AND text LIKE '%after%' FROM complaint WHERE sender = '+6281277700076'")" t
check "8-bit data is stored as binary, no complaint" \
    "$(q "SELECT kind || '/' || (SELECT count(*) FROM complaint WHERE sender = '+6281277700078') FROM sms_in WHERE sender = '+6281277700078'")" binary/0
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 60
check "no reply to the binary message" "$(q "SELECT count(*) FROM outbox WHERE destination = '+6281277700078'")" 0
check "the SIM ends empty again" "$(sim_inbox)" 0
check "the daemon is still running" "$(kill -0 "$DAEMON_PID" 2>/dev/null && echo alive)" alive
daemon_stop
finish
