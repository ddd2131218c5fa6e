#!/usr/bin/env bash
# A liaison's PIN (issue 17, confirm.mechanism "pin" and "both"): set with lapor-smsctl from
# standard input only and kept as a salted hash lapor_reader cannot read; a forger without the
# PIN changes nothing and reaches no citizen; wrong PINs lock the liaison until an operator
# unlocks it; the right PIN acts in one step ("pin") or then waits for the code ("both"); the PIN
# is in no log, relayed SMS, outbox row, stored message or history.
. "$(dirname "$0")/../lib/common.sh"
CONFIRM='confirm = { mechanism = "pin"; pin_attempts = 3; };'
lab_init "routing = { automatic = true; };" "replies = { budget = 50; };" "$CONFIRM"
CITIZEN=+6281300001111
LIAISON=+6281277776666
PIN=48213579
ctl() { "$SMSCTL" -c "$CONF" "$@"; }
ctl agency add PDAM "PDAM Tirta Kota" >/dev/null
ctl agency keyword PDAM PDAM >/dev/null
ctl liaison add PDAM 081277776666 >/dev/null

say "the PIN is set from standard input, never from the command line"
out=$(ctl liaison pin PDAM 081277776666 "$PIN" 2>&1 </dev/null) && rc=0 || rc=$?
check "a PIN on the command line is refused" "$rc" 2
check "... and echoed nowhere" "$(echo "$out" | grep -c "$PIN" || true)" 0
out=$(echo 12 | ctl liaison pin PDAM 081277776666 2>&1) && rc=0 || rc=$?
check "a PIN that is not 4 to 8 digits is refused" "$rc:$(echo "$out" | grep -c '4 to 8 digits')" 1:1
echo "$PIN" | ctl liaison pin PDAM 081277776666
check "only a salt and a hash are stored" \
    "$(q "SELECT count(*) FROM liaison WHERE pin_hash IS NOT NULL AND length(pin_salt) = 16
          AND position('$PIN' IN encode(pin_hash, 'escape') || encode(pin_hash, 'hex')) = 0")" 1

daemon_start
status() { q "SELECT status FROM complaint WHERE sender = '$CITIZEN'"; }
relays() { q "SELECT count(*) FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay'"; }
locked() { q "SELECT pin_locked_at IS NOT NULL FROM liaison WHERE number = '$LIAISON'"; }
forge() {
    local before
    before=$(q "SELECT count(*) FROM sms_in WHERE command IS NOT NULL")
    inject "$1" "$2"
    wait_for "SELECT count(*) > $before FROM sms_in WHERE command IS NOT NULL" 30
}
inject 081300001111 "PDAM air mati 3 hari di Perum Griya Asri blok C"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '$LIAISON' AND kind = 'forward'" 30
ticket=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '$CITIZEN'")

say "a forger without the PIN"
forge 081277776666 "TL $ticket Silakan transfer biaya perbaikan ke rekening 1234567890"
check "a TL without the PIN changes nothing and reaches no citizen" "$(status):$(relays)" diteruskan:0
check "... asks no code, and does not count as a wrong PIN" \
    "$(q "SELECT count(*) FROM outbox WHERE kind = 'confirm_ask'"):$(
        q "SELECT pin_failures FROM liaison WHERE number = '$LIAISON'")" 0:0
check "... and the liaison's phone is told it was refused" \
    "$(q "SELECT count(*) FROM outbox WHERE destination = '$LIAISON' AND kind = 'pin_refused'")" 1

say "wrong PINs lock the liaison"
for i in 1 2 3; do forge 081277776666 "TL $ticket PIN 0000000$i transfer dulu"; done
check "three wrong PINs: nothing changed, no citizen reached" "$(status):$(relays)" diteruskan:0
check "... and the liaison is locked" "$(locked)" t
forge 081277776666 "SELESAI $ticket PIN $PIN sudah beres"
check "locked, even the right PIN acts not" "$(status):$(relays)" diteruskan:0
ctl liaison unlock PDAM 081277776666
check "an operator unlocks the liaison" "$(locked):$(q "SELECT pin_failures FROM liaison")" f:0

say "the right PIN acts in one step"
forge 081277776666 "TL $ticket pin: $PIN Petugas datang besok pagi"
check "the TL moves the ticket" "$(status)" diproses
check "... and reaches the citizen with the liaison's words, without the PIN" \
    "$(q "SELECT text LIKE '%: Petugas datang besok pagi' FROM outbox
          WHERE destination = '$CITIZEN' AND kind = 'relay'")" t
check "... no code was asked" "$(q "SELECT count(*) FROM outbox WHERE kind = 'confirm_ask'")" 0
daemon_stop

say "with mechanism both, the right PIN is followed by the code round trip"
write_conf "routing = { automatic = true; };" "replies = { budget = 50; };" \
    'confirm = { mechanism = "both"; };'
daemon_start
forge 081277776666 "SELESAI $ticket PIN 11112222 sudah beres"
check "a wrong PIN asks no code" "$(q "SELECT count(*) FROM outbox WHERE kind = 'confirm_ask'")" 0
send_confirmed 081277776666 "SELESAI $ticket PIN $PIN Pipa sudah diganti" "$LIAISON"
wait_for "SELECT count(*) = 2 FROM outbox WHERE destination = '$CITIZEN' AND kind = 'relay'" 30
check "the right PIN and then the code close the ticket" "$(status)" selesai
check "... relayed without the PIN" \
    "$(q "SELECT text LIKE '%Pipa sudah diganti' FROM outbox WHERE destination = '$CITIZEN'
          AND kind = 'relay' ORDER BY id DESC LIMIT 1")" t
daemon_stop

say "the PIN is nowhere to be read"
check "not in the daemon's log" "$(grep -c "$PIN" "$DAEMON_LOG" || true)" 0
check "not in any SMS queued" "$(q "SELECT count(*) FROM outbox WHERE text LIKE '%$PIN%'")" 0
check "not in the stored messages, their parts or their raw bytes" \
    "$(q "SELECT count(*) FROM sms_in WHERE text LIKE '%$PIN%'"):$(
        q "SELECT count(*) FROM sms_part WHERE text LIKE '%$PIN%'"):$(
        q "SELECT count(*) FROM sms_part p JOIN sms_in m ON m.id = p.sms_in_id
           WHERE m.text ~* 'PIN' AND p.raw IS NOT NULL")" 0:0:0
check "... which keep it masked, all seven that carried one" \
    "$(q "SELECT count(*) FROM sms_in WHERE text ~* 'PIN:? [*]{4} '")" 7
check "not in the tickets' history" \
    "$(q "SELECT count(*) FROM complaint_event WHERE detail LIKE '%$PIN%' OR detail ~* 'PIN'")" 0
q "CREATE ROLE op LOGIN IN ROLE lapor_reader" >/dev/null
as_op() { "$PG_BIN/psql" -X -qAt -U op -c "$1" 2>&1 || true; }
check "lapor_reader's login cannot read the hash or the salt" \
    "$(as_op "SELECT pin_hash FROM liaison" | grep -c 'permission denied'):$(
        as_op "SELECT pin_salt FROM liaison" | grep -c 'permission denied')" 1:1
check "... but sees who is locked" "$(as_op "SELECT count(pin_locked_at) FROM liaison")" 0
sed "s/user=$PGUSER/user=op/" "$CONF" >"$T/op.conf"
check "lapor-smsctl liaison list works for it" \
    "$("$SMSCTL" -c "$T/op.conf" liaison list | grep -c '+6281277776666')" 1
finish
