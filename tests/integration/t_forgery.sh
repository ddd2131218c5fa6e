#!/usr/bin/env bash
# Forged senders (issue 17): anyone can set an SMS's originating address, so a command that
# changes a ticket acts only once the number it claims answers the code sent to it (module
# confirm). A forger's TL, SELESAI and BATAL change nothing and reach no citizen; wrong codes are
# limited, an expired code opens nothing, and no code is in a log or in anything lapor_reader
# reads (a real login of it reads the outbox without its texts, and the texts with the codes'
# hidden through outbox_for_reader); the real owner's answer makes the command act. TL and SELESAI never reopen
# a withdrawn ticket. An alphanumeric sender made of digits, read through the AT modem simulator,
# is never taken for the mobile number those digits spell.
. "$(dirname "$0")/../lib/common.sh"
lab_init "routing = { automatic = true; };" "replies = { budget = 50; };"
CITIZEN=+6281300001111
LIAISON=+6281277776666
ctl() { "$SMSCTL" -c "$CONF" "$@"; }
ctl agency add PDAM "PDAM Tirta Kota" >/dev/null
ctl agency keyword PDAM PDAM >/dev/null
ctl liaison add PDAM 081277776666 >/dev/null
daemon_start
status() { q "SELECT status FROM complaint WHERE sender = '$CITIZEN'"; }
relays() { q "SELECT count(*) FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay'"; }
newest_code() {
    q "SELECT substring(text from 'YA ([0-9]{6})') FROM outbox
        WHERE destination = '$1' AND kind = 'confirm_ask' ORDER BY id DESC LIMIT 1"
}
# forge FROM TEXT: a message claiming to come from FROM; waits until it is read.
forge() {
    local before
    before=$(q "SELECT count(*) FROM sms_in WHERE command IS NOT NULL")
    inject "$1" "$2"
    wait_for "SELECT count(*) > $before FROM sms_in WHERE command IS NOT NULL" 30
}
# not_code CODE N: the Nth six-digit guess that is not CODE (distinct texts: the same text at the
# same second is one message delivered twice).
not_code() { printf '%06d' $(((10#$1 + $2) % 1000000)); }

inject 081300001111 "PDAM air mati 3 hari di Perum Griya Asri blok C"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$LIAISON' AND kind = 'forward'" 30
ticket=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '$CITIZEN'")

say "a forged TL: the code goes to the liaison's phone, the forger's guesses open nothing"
forge 081277776666 "TL $ticket Silakan transfer biaya perbaikan Rp 500.000 ke rekening 1234567890"
check "the forged TL leaves the ticket as it was" "$(status)" diteruskan
check "... reaches no citizen" "$(relays)" 0
check "... and asked the code of the registered number only" \
    "$(q "SELECT string_agg(destination, ',') FROM outbox WHERE kind = 'confirm_ask'")" "$LIAISON"
code=$(newest_code "$LIAISON")
check "the code is six digits" "$(echo "$code" | grep -c -E '^[0-9]{6}$')" 1
for i in 1 2 3; do forge 081277776666 "YA $(not_code "$code" "$i")"; done
check "three wrong codes: nothing changed" "$(status):$(relays)" diteruskan:0
check "... each one answered as wrong" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$LIAISON' AND kind = 'confirm_wrong'")" 3
forge 081277776666 "YA $code"
check "after three wrong codes even the right one opens nothing" "$(status):$(relays)" diteruskan:0

say "a forged SELESAI whose code has expired"
forge 081277776666 "SELESAI $ticket sudah beres"
q "UPDATE confirmation SET expires_at = now() - interval '1 second' WHERE used_at IS NULL" >/dev/null
forge 081277776666 "YA $(newest_code "$LIAISON")"
check "an expired code opens nothing: the SELESAI did not act" "$(status):$(relays)" diteruskan:0

say "the real liaison answers the code and the TL acts"
send_confirmed 081277776666 "TL $ticket Petugas datang besok pagi" "$LIAISON"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay'" 30
check "the confirmed TL moves the ticket" "$(status)" diproses
check "... and reaches the citizen with the liaison's words" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay'
            AND text LIKE '%Petugas datang besok pagi'")" 1
check "no forged text ever reached the citizen" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$CITIZEN' AND text ~ 'transfer|beres'")" 0
# (A full stop after it: the same text from the same number in the same second is one message.)
check "a used code opens nothing again" \
    "$(forge 081277776666 "YA $(newest_code "$LIAISON")."; relays)" 1

say "a forged BATAL: the code goes to the citizen's phone"
forge 081300001111 "BATAL $ticket"
code=$(newest_code "$CITIZEN")
forge 081300001111 "YA $(not_code "$code" 1)"
check "the forged BATAL withdraws nothing" "$(status)" diproses
send_confirmed 081300001111 "batal $ticket" "$CITIZEN"
wait_for "SELECT status = 'dibatalkan' FROM complaint WHERE sender = '$CITIZEN'" 30
check "the citizen's own BATAL, confirmed, withdraws it" "$(status)" dibatalkan

say "TL and SELESAI never reopen a withdrawn ticket"
forge 081277776666 "SELESAI $ticket sudah diperbaiki"
check "a SELESAI on a withdrawn ticket asks no code and changes nothing" \
    "$(status):$(q "SELECT count(*) FROM confirmation WHERE sms_in_id = (SELECT max(id) FROM sms_in)")" \
    dibatalkan:0
check "... and is told the ticket's status" \
    "$(q "SELECT kind FROM outbox WHERE destination = '$LIAISON' ORDER BY id DESC LIMIT 1")" status

say "no code in a log, a view, a citizen's SMS, or what lapor_reader reads"
codes=$(q "SELECT string_agg(substring(text from 'YA ([0-9]{6})'), '|') FROM outbox WHERE kind = 'confirm_ask'")
check "no code in the daemon's log" "$(grep -c -E "$codes" "$DAEMON_LOG" || true)" 0
check "no code in an SMS to anyone but the number that was asked" \
    "$(q "SELECT count(*) FROM outbox WHERE kind <> 'confirm_ask' AND text ~ '$codes'")" 0
check "lapor-smsctl outbox list shows no code, not even in full" \
    "$("$SMSCTL" -c "$CONF" outbox list --json | grep -c -E "$codes" || true):$(
        "$SMSCTL" -c "$CONF" outbox list --json | grep -c 'a confirmation code')" 0:1
check "only salted hashes are stored" \
    "$(q "SELECT count(*) FROM confirmation WHERE salt || encode(code_hash, 'hex') ~ '$codes'")" 0
check "lapor_reader cannot read the confirmations" \
    "$(q "SELECT has_table_privilege('lapor_reader', 'confirmation', 'SELECT')")" f
check "no view reads them" \
    "$(q "SELECT count(*) FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
          WHERE d.refobjid = 'confirmation'::regclass")" 0
q "CREATE ROLE op LOGIN IN ROLE lapor_reader" >/dev/null
as_op() { "$PG_BIN/psql" -X -qAt -U op -c "$1" 2>&1 || true; }
for t in outbox archive_outbox; do
    check "lapor_reader's login cannot read $t.text" \
        "$(as_op "SELECT count(*) FROM $t WHERE text ~ '$codes'" | grep -c 'permission denied')" 1
    check "... but reads the rest of $t" \
        "$(as_op "SELECT count(*) > 0 FROM $t WHERE kind = 'confirm_ask' OR id > 0" | grep -c -E '^[tf]$')" 1
done
check "... and the texts through outbox_for_reader, a code's SMS without the code" \
    "$(as_op "SELECT count(*) FILTER (WHERE text ~ '$codes') || '/' ||
              count(*) FILTER (WHERE text = '(a confirmation code)') || '/' ||
              count(*) FILTER (WHERE kind = 'relay' AND text LIKE '%Petugas datang%')
              FROM outbox_for_reader")" "0/$(q "SELECT count(*) FROM outbox WHERE kind = 'confirm_ask'")/1"
sed "s/user=$PGUSER/user=op/" "$CONF" >"$T/op.conf"
check "lapor-smsctl outbox list works for lapor_reader's login" \
    "$("$SMSCTL" -c "$T/op.conf" outbox list --json | grep -c 'a confirmation code')" 1
daemon_stop

say "confirm.expiry and confirm.attempts come from the configuration"
write_conf "routing = { automatic = true; };" "replies = { budget = 50; };" \
    "confirm = { expiry = 120; attempts = 1; };"
daemon_start
inject 081300002222 "PDAM pipa bocor di jalan Melati depan masjid"
wait_for "SELECT count(*) = 2 FROM outbox WHERE destination = '$LIAISON' AND kind = 'forward'" 30
ticket2=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300002222'")
forge 081277776666 "TL $ticket2 Petugas datang sore ini"
check "a code is good for confirm.expiry, 120 s" \
    "$(q "SELECT extract(epoch FROM expires_at - created_at)::int FROM confirmation
          ORDER BY id DESC LIMIT 1")" 120
check "... and its SMS says so in minutes" \
    "$(q "SELECT count(*) FROM outbox WHERE id = (SELECT max(id) FROM outbox WHERE kind = 'confirm_ask')
          AND text LIKE '% dalam 2 menit.%'")" 1
code=$(newest_code "$LIAISON")
forge 081277776666 "YA $(not_code "$code" 1)"
forge 081277776666 "YA $code"
check "with confirm.attempts = 1 one wrong code ends it: the right one then opens nothing" \
    "$(q "SELECT status FROM complaint WHERE sender = '+6281300002222'"):$(
        q "SELECT count(*) FROM outbox WHERE destination = '+6281300002222' AND kind = 'relay'")" \
    diteruskan:0
daemon_stop

say "an alphanumeric sender made of digits is no mobile number (AT modem simulator)"
SIM=$T/sim
mkdir -p "$SIM/inbox" "$SIM/sent"
write_conf "routing = { automatic = true; };" "replies = { budget = 50; };"
sim_put 81277776666 "TL $ticket sudah beres" --alnum
last_out=$(q "SELECT max(id) FROM outbox")
daemon_start
wait_for "SELECT count(*) = 1 FROM sms_in WHERE sender = '81277776666'" 60
check "the id is kept as its text, not made +6281277776666" \
    "$(q "SELECT count(*) FROM sms_in WHERE sender = '81277776666'")" 1
check "... so its TL is a complaint of its own, not the liaison's" \
    "$(q "SELECT command FROM sms_in WHERE sender = '81277776666'")" complaint
check "... asks no code, answers nothing" \
    "$(q "SELECT count(*) FROM outbox WHERE id > $last_out")" 0
daemon_stop
finish
