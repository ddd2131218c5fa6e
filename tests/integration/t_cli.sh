#!/usr/bin/env bash
# Both programs' command lines: -h/--help and -V/--version; an unknown command or option is named
# and exits 2; missing arguments are named; lapor-smsctl's errors in words (no such message, not a
# number, unknown status, invalid date, no schema yet, a permission with the role it needs), and
# the outbox listing's header and legend.
. "$(dirname "$0")/../lib/common.sh"

pg_start "$T/pg"
mkdir -p "$MODEM"
write_conf
# run PROGRAM ARGS...: sets rc, out (stdout) and err (stderr).
run() {
    rc=0
    "$@" >"$T/out" 2>"$T/err" || rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}
# expect NAME RC PATTERN: the last run exited RC and its stdout and stderr hold PATTERN.
expect() {
    check "$1: exit $2" "$rc" "$2"
    check "$1: says '$3'" "$(printf '%s\n%s\n' "$out" "$err" | grep -cF -- "$3" | awk '{print ($1 > 0)}')" 1
}
ctl() { run "$SMSCTL" -c "$CONF" "$@"; }

for program in "$SMSD" "$SMSCTL"; do
    name=$(basename "$program")
    for opt in -h --help; do
        run "$program" $opt
        expect "$name $opt" 0 "usage: $name"
    done
    for opt in -V --version; do
        run "$program" $opt
        expect "$name $opt" 0 "$name $("$SMSD" -V | cut -d' ' -f2)"
    done
    run "$program" --bogus
    expect "$name --bogus" 2 "--bogus"
    run "$program" -c
    expect "$name -c without its file" 2 "-c"
done
run "$SMSD" -c "$CONF" stray
expect "lapor-smsd with a stray argument" 2 "unexpected argument stray"
run "$SMSCTL"
expect "lapor-smsctl without a command" 2 "no command given"

say "lapor-smsctl's mistakes named"
ctl frobnicate
expect "an unknown command" 2 "unknown command frobnicate"
ctl status --wat
expect "an unknown option of a command" 2 "unknown option --wat"
ctl send 081234567890
expect "send without its text" 2 "send NUMBER TEXT"
ctl ticket
expect "ticket without its words" 2 "ticket show TICKET"
ctl status
expect "no schema yet" 1 "run lapor-smsctl migrate"
run "$SMSCTL" -c "$T/none.conf" migrate --database "$LAPOR_DB_CONNINFO"
expect "migrate --database needs no configuration file" 0 "schema migrated from version 0"
ctl outbox retry 999
expect "retry of a message that does not exist" 1 "no such message: 999"
ctl outbox cancel 999
expect "cancel of a message that does not exist" 1 "no such message: 999"
ctl outbox cancel abc
expect "cancel of a word" 2 "abc is not a message number"
ctl outbox list --status nope
expect "an unknown status" 2 "unknown status nope: one of queued"
ctl holiday add 2026-02-30
expect "a day that does not exist" 2 "2026-02-30 is not a date"
ctl holiday add 2028-02-29 "Hari kabisat"
check "a leap day is one" "$rc" 0

say "the outbox listing"
ctl send 081234567890 "Pesan dari operator"
ctl outbox list
check "a header names the columns" "$(echo "$out" | head -1 | tr -s ' ')" \
    " ID KIND TO STATUS DELIVERY PARTS TRIES TICKET TEXT"
check "the message's line: not sent yet, no tries" \
    "$(echo "$out" | sed -n 2p | tr -s ' ')" " 1 operator +6281234567890 queued - - 0 - Pesan dari operator"
check "a legend explains the columns" \
    "$(echo "$out" | tail -3 | grep -cE '^(KIND|STATUS|DELIVERY): ')" 3

say "permissions: the role a command needs"
q "CREATE ROLE op LOGIN IN ROLE lapor_reader" >/dev/null
sed -i "s/user=$PGUSER/user=op/" "$CONF"
ctl status
check "a reader may look" "$rc" 0
ctl send 081234567890 "Tidak boleh"
expect "a reader may not send" 1 "permission denied: this command needs a login that is a member of lapor_daemon"
ctl agency add PDAM "PDAM Tirta"
expect "agency add" 1 "agency add: permission denied: this command needs a login that is a member of lapor_owner"
finish
