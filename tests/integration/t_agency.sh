#!/usr/bin/env bash
# Agencies end to end, through the dummy modem and a real PostgreSQL: a complaint with a keyword
# is routed and forwarded to the agency's liaison; the liaison's TL, once its code is answered
# (tests/lib/common.sh send_confirmed), is relayed to the citizen and confirmed; another
# agency's liaison's SELESAI is refused, a stranger's TL is a complaint of their own; SELESAI
# closes it; RAHASIA never shows the citizen's number to the agency; listeners are notified;
# deadlines skip weekends and holidays; overdue tickets are reminded once a day.
. "$(dirname "$0")/../lib/common.sh"
lab_init "routing = { automatic = true; holidays = [\"2026-11-23\"]; };" "replies = { budget = 50; };"
CITIZEN=+6281300001111
LIAISON=+6281277776666
OTHER_LIAISON=+6281255554444
STRANGER=+6281999990000
ctl() { "$SMSCTL" -c "$CONF" "$@"; }
ctl agency add PDAM "PDAM Tirta Kota" >/dev/null
ctl agency keyword PDAM PDAM AIR >/dev/null
ctl liaison add PDAM 0812-7777-6666 "Budi (PDAM)" >/dev/null
ctl agency add DISHUB "Dinas Perhubungan" >/dev/null
ctl liaison add DISHUB 081255554444 >/dev/null
check "agencies listed with keywords and liaisons" \
    "$(ctl agency list | grep -c '^PDAM .*keywords: AIR PDAM; liaisons: 1')" 1

# A listener, as an agency's system would be; it prints what it heard when told to stop (after
# the third routing), or after 90 s.
(echo "LISTEN lapor_ticket;"
    for _ in $(seq 450); do [ -e "$T/listen.stop" ] && break; sleep 0.2; done
    echo "SELECT 1;") |
    "$PG_BIN/psql" -X -q >"$T/listen.out" 2>&1 &
listener=$!
daemon_start
sent_to() { q "SELECT string_agg(text, ' || ' ORDER BY id) FROM outbox WHERE destination = '$1' AND kind = '$2'"; }

inject 081300001111 "PDAM air mati 3 hari di Perum Griya Asri blok C, mohon segera dibantu"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$LIAISON' AND status = 'sent'" 30
ticket=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '$CITIZEN'")
check "the complaint is routed to PDAM" \
    "$(q "SELECT status || '/' || (SELECT code FROM agency WHERE id = agency_id) FROM complaint WHERE sender = '$CITIZEN'")" \
    diteruskan/PDAM
forward=$(sent_to "$LIAISON" forward)
check "the liaison's forward names the ticket" "$(echo "$forward" | grep -c "#$ticket untuk PDAM")" 1
check "... carries the start of the complaint" "$(echo "$forward" | grep -c 'air mati 3 hari')" 1
check "... and how to answer" "$(echo "$forward" | grep -c "TL $ticket")" 1
check "... in one SMS" "$(q "SELECT parts FROM outbox WHERE destination = '$LIAISON' AND kind = 'forward'")" 1
check "the routing is in the history, by the daemon" \
    "$(q "SELECT actor || ' ' || detail FROM complaint_event WHERE kind = 'routed'")" "daemon:test1 PDAM: keyword PDAM"

send_confirmed 081277776666 "TL $ticket Petugas sudah dijadwalkan datang besok pagi jam 8" "$LIAISON"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay' AND status = 'sent'" 30
check "the TL makes it diproses" "$(q "SELECT status FROM complaint WHERE sender = '$CITIZEN'")" diproses
check "the citizen gets the agency's words" "$(sent_to "$CITIZEN" relay)" \
    "LAPOR! Tindak lanjut tiket #$ticket dari PDAM: Petugas sudah dijadwalkan datang besok pagi jam 8"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$LIAISON' AND kind = 'confirm' AND status = 'sent'" 30
check "the liaison gets a confirmation" "$(sent_to "$LIAISON" confirm | grep -c "#$ticket sudah diteruskan ke pelapor. Status: sedang diproses")" 1

inject 081999990000 "TL $ticket sudah beres kok"
inject 081255554444 "SELESAI $ticket bukan urusan kami"
wait_for "SELECT count(*) = 1 FROM complaint_event WHERE kind = 'refused'" 30
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$STRANGER' AND status = 'sent'" 30
check "another agency's liaison and a stranger change nothing" "$(q "SELECT status FROM complaint WHERE sender = '$CITIZEN'")" diproses
check "... the other liaison's SELESAI is a refused attempt in the history" \
    "$(q "SELECT count(*) FROM complaint_event WHERE kind = 'refused' AND detail LIKE '%$OTHER_LIAISON%'")" 1
check "... a stranger's TL is no command but a complaint of their own" \
    "$(q "SELECT text FROM complaint WHERE sender = '$STRANGER'")" "TL $ticket sudah beres kok"
check "... and neither reaches the citizen" "$(q "SELECT count(*) FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay'")" 1

# A long answer is relayed whole, in several parts.
long_answer="Pipa induk di Jl. Merdeka sudah diganti dan tekanan air sudah normal kembali sejak pukul 14.00. Mohon maaf atas ketidaknyamanannya, silakan hubungi kami bila masih ada gangguan di blok C."
send_confirmed 081277776666 "SELESAI $ticket $long_answer" "$LIAISON"
wait_for "SELECT count(*) = 2 FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay' AND status = 'sent'" 30
check "SELESAI closes the ticket" "$(q "SELECT status FROM complaint WHERE sender = '$CITIZEN'")" selesai
check "the citizen gets the whole answer" \
    "$(q "SELECT text FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay' ORDER BY id DESC LIMIT 1")" \
    "LAPOR! Tiket #$ticket dinyatakan selesai oleh PDAM. $long_answer"
check "... in two parts" "$(q "SELECT parts FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay' ORDER BY id DESC LIMIT 1")" 2
inject 081300001111 "CEK $ticket"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$CITIZEN' AND kind = 'status' AND status = 'sent'" 30
check "the citizen's CEK says selesai" "$(sent_to "$CITIZEN" status | grep -c ": selesai.")" 1

# RAHASIA: the citizen's number in nothing the agency gets.
inject 081300002222 "RAHASIA petugas meteran #pdam minta uang tambahan 50 ribu"
wait_for "SELECT count(*) = 2 FROM outbox WHERE destination = '$LIAISON' AND kind = 'forward' AND status = 'sent'" 30
secret=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300002222'")
check "the confidential complaint is routed by its hashtag" \
    "$(q "SELECT confidential || '/' || status FROM complaint WHERE sender = '+6281300002222'")" true/diteruskan
check "the forward does not show the number" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$LIAISON' AND kind = 'forward'
            AND (text LIKE '%1300002222%' OR text LIKE '%0813%')")" 0
check "the agency's view does not show it" \
    "$(q "SELECT coalesce(sender, 'hidden') FROM agency_ticket WHERE ticket = $secret")" hidden
check "the view shows an ordinary sender's number" \
    "$(q "SELECT sender FROM agency_ticket WHERE ticket = $ticket")" "$CITIZEN"

# An operator routes a complaint without a keyword; rejecting needs a reason.
inject 081300003333 "Lampu lalu lintas di simpang lima mati sejak kemarin malam"
wait_for "SELECT count(*) = 1 FROM complaint WHERE sender = '+6281300003333'" 30
plain=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300003333'")
check "a complaint without a keyword waits as baru" "$(q "SELECT status FROM complaint WHERE sender = '+6281300003333'")" baru
ctl ticket route "#$plain" DISHUB --reason "lalu lintas" --by siti >/dev/null
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$OTHER_LIAISON' AND kind = 'forward' AND status = 'sent'" 30
check "the operator's routing is forwarded to DISHUB" "$(sent_to "$OTHER_LIAISON" forward | grep -c "#$plain untuk DISHUB")" 1
check "... and recorded with who did it" "$(ctl ticket show "$plain" | grep -c 'operator:siti .*routed .*DISHUB: lalu lintas')" 1
check "ticket show --json" "$(ctl ticket show "$plain" --json | json_get status)" diteruskan
ctl ticket reject "$plain" >/dev/null 2>&1 && rc=0 || rc=$?
check "reject without a reason is refused" "$rc" 2
ctl ticket defer "$plain" --reason "menunggu data" --by siti >/dev/null
check "defer with a reason" "$(q "SELECT status FROM complaint WHERE sender = '+6281300003333'")" ditunda
ctl ticket show 1000003 >/dev/null 2>&1 && rc=0 || rc=$?
check "a mistyped ticket is refused by the tool too" "$rc" 1

touch "$T/listen.stop"
wait $listener || true
check "the listener heard the routed tickets" "$(grep -c 'lapor_ticket' "$T/listen.out")" 3
check "... with the ticket number" "$(grep -c "\"ticket\" : $ticket" "$T/listen.out")" 1
check "... and never a citizen's number" "$(grep -c '0813\|62813' "$T/listen.out")" 0

# Deadlines in working days: from Friday 20 November 2026, with Monday the 23rd a holiday.
check "3 working days after a Friday, over a weekend and a holiday" \
    "$(q "SELECT working_day_after('2026-11-20', 3)")" 2026-11-26
check "5 working days after a Wednesday" "$(q "SELECT working_day_after('2026-11-25', 5)")" 2026-12-02
ctl holiday add 2026-12-01 "libur daerah" >/dev/null
check "a holiday kept in the database counts too" "$(q "SELECT working_day_after('2026-11-25', 5)")" 2026-12-03

# Each open ticket's stored due date follows its status, its dates and the holidays.
due_of_plain="SELECT due_on FROM complaint WHERE sender = '+6281300003333'"
before=$(q "$due_of_plain")
ctl holiday add "$(q "SELECT working_day_after((now() AT TIME ZONE 'Asia/Jakarta')::date, 1)")" "libur uji" >/dev/null
check "a holiday before a ticket's due date moves it a working day later" \
    "$(q "SELECT working_day_after('$before', 1) = ($due_of_plain)")" t
stale="SELECT count(*) FROM complaint WHERE due_on IS DISTINCT FROM
       complaint_due_on(status, created_at, routed_at)"
check "every stored due date is the one its ticket's status and dates give" "$(q "$stale")" 0

# Overdue: a ticket routed a month ago with no follow-up is listed and reminded once a day.
q "UPDATE complaint SET routed_at = now() - interval '30 days' WHERE id = ($secret - $secret % 10) / 10"
check "... and after a ticket's routing date changed" "$(q "$stale")" 0
check "overdue lists the forgotten ticket" "$(ctl overdue | grep -c "#$secret .*PDAM .*first follow-up")" 1
check "overdue --json" "$(ctl overdue --json | json_get 0.ticket)" "$secret"
daemon_stop
daemon_start
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$LIAISON' AND kind = 'reminder' AND status = 'sent'" 30
daemon_stop
daemon_start
sleep 2
check "the liaison is reminded once a day only" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$LIAISON' AND kind = 'reminder'")" 1
check "the reminder names the ticket" "$(sent_to "$LIAISON" reminder | grep -c "#$secret")" 1
daemon_stop
finish
