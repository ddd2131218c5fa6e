#!/usr/bin/env bash
# The example configuration with `language = "en"` and nothing else changed answers every kind of
# SMS in English (a template set in the example would stay Indonesian), and the daemon logs one
# intake line for every SMS it handled, commands and help included.
. "$(dirname "$0")/../lib/common.sh"

pg_start "$T/pg"
mkdir -p "$MODEM"
# The example as shipped, for this lab: its database, its modem folder, root allowed (tests run as
# root), a quick poll; and the language switched on its own line.
sed -e "s|^database = .*|database = \"$LAPOR_DB_CONNINFO\";|" \
    -e "s|device = \"/var/lib/lapor-smsd/dummy\";|device = \"$MODEM\";|" \
    -e 's|^user = .*|user = "";|' -e 's|^allow_root = .*|allow_root = true;|' \
    -e 's|^poll_interval = .*|poll_interval = 0.2;|' \
    -e 's|^    \(# \)\?language = "id";|    language = "en";|' \
    "$LAPOR_SRC/conf/lapor-smsd.conf" >"$CONF"
chmod 600 "$CONF"
check "the example has the language line to switch" "$(grep -c '^    language = "en";' "$CONF")" 1
"$SMSCTL" -c "$CONF" migrate >/dev/null
daemon_start

A=081234500001
inject $A "Jalan berlubang di depan SD Negeri 3, mohon segera diperbaiki"
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'sent'" 30
ticket=$(q "SELECT ticket_of(id) FROM complaint")
# One of each: status, help, a mistyped number, no number, another's ticket, more information
# (within each number's budget of five replies).
inject $A "CEK $ticket"
inject $A "BANTUAN"
inject $A "CEK 1000003"
inject 081234500003 "CEK"
inject 081234500002 "CEK $ticket"
inject $A "TAMBAH $ticket lubangnya makin besar"
wait_for "SELECT count(*) = 7 FROM outbox WHERE status = 'sent'" 30
check "seven replies" "$(q "SELECT count(*) FROM outbox")" 7
check "every reply in English: none says tiket, Terima kasih, Sertakan, Kirim or Periksa" \
    "$(q "SELECT count(*) FROM outbox WHERE text ~ '(tiket|Terima kasih|Sertakan|Kirim|Periksa)'")" 0
check "the complaint's reply is the English one" \
    "$(q "SELECT count(*) FROM outbox WHERE text LIKE 'LAPOR! Thank you, your report has been received.%'")" 1
check "the status label in English too" \
    "$(q "SELECT count(*) FROM outbox WHERE text LIKE '%#$ticket: received, not yet verified.%'")" 1
daemon_stop
# Each message's line names it by its number: "message N from ...".
check "one intake line for every SMS handled" \
    "$(grep -oE 'info: message [0-9]+ ' "$DAEMON_LOG" | sort -u | wc -l)" 7
finish
