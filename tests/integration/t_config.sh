#!/usr/bin/env bash
# Configuration and schema checks: `-n` accepts the example and refuses a bad file with its file,
# line and reason; the daemon refuses a schema version it does not know; a database or a modem
# that is not there is reported and retried, not a crash.
. "$(dirname "$0")/../lib/common.sh"

out=$("$SMSD" -n -c "$LAPOR_SRC/conf/lapor-smsd.conf" 2>&1) && rc=0 || rc=$?
check "-n accepts the example configuration" "$rc:$out" "0:$LAPOR_SRC/conf/lapor-smsd.conf: configuration OK"

printf 'instance = "x";\nmodem = { connection = "none"; device = "/tmp"; };\npoll_interval = "fast";\ndatabase = "dbname=x";\n' >"$T/bad.conf"
out=$("$SMSD" -n -c "$T/bad.conf" 2>&1) && rc=0 || rc=$?
check "-n refuses a wrong type, naming file and line" "$rc:$(echo "$out" | grep -c "$T/bad.conf:3: poll_interval")" 1:1
printf 'instance = "x"\nmodem = {\n' >"$T/syntax.conf"
out=$("$SMSD" -n -c "$T/syntax.conf" 2>&1) && rc=0 || rc=$?
check "-n refuses a syntax error, naming file and line" "$rc:$(echo "$out" | grep -c "$T/syntax.conf:[0-9]*:")" 1:1
out=$("$SMSD" -n -c "$T/nonexistent.conf" 2>&1) && rc=0 || rc=$?
check "-n refuses a missing file" "$rc:$(echo "$out" | grep -c "nonexistent.conf")" 1:1

# A database without the schema: the daemon refuses to run and says what to do.
pg_start "$T/pg"
mkdir -p "$MODEM"
write_conf
out=$(timeout 20 "$SMSD" -f -c "$CONF" 2>&1) && rc=0 || rc=$?
check "without the schema the daemon refuses to run" "$rc" 1
check "... and says to run migrate" "$(echo "$out" | grep -c "lapor-smsctl migrate")" 1
latest=$(basename "$(ls "$LAPOR_SRC"/sql/[0-9]*.sql | sort | tail -n 1)" | sed 's/^0*\([0-9]*\)_.*/\1/')
check "migrate creates the latest version" "$("$SMSCTL" -c "$CONF" migrate)" "schema migrated from version 0 to $latest"
check "migrate again changes nothing" "$("$SMSCTL" -c "$CONF" migrate)" "schema is at version $latest: nothing to do"
q "INSERT INTO schema_version (version, name) VALUES (99, 'from the future')"
out=$(timeout 20 "$SMSD" -f -c "$CONF" 2>&1) && rc=0 || rc=$?
check "a newer schema is refused" "$rc:$(echo "$out" | grep -c "version 99")" 1:1
q "DELETE FROM schema_version WHERE version = 99"

# No database at all, and no modem: reported, retried, still running, and a clean SIGTERM.
sed -e "s|host=$PGHOST|host=$T/nowhere password=s3cr3t-pw|" -e "s|device = \"$MODEM\"|device = \"$T/no-modem\"|" \
    "$CONF" >"$T/away.conf"
# A password that anyone on the machine can read is refused, with the file and line; a file only
# its owner and group can read is accepted.
chmod 644 "$T/away.conf"
out=$("$SMSD" -n -c "$T/away.conf" 2>&1) && rc=0 || rc=$?
line=$(grep -n '^database' "$T/away.conf" | cut -d: -f1)
check "a database password readable by others is refused, with file and line" \
    "$rc:$(echo "$out" | grep -c "^lapor-smsd: $T/away.conf:$line: database holds a database password, but the file is readable by others (mode 0644)")" 1:1
check "... and the password is not shown" "$(echo "$out" | grep -c s3cr3t-pw)" 0
chmod 640 "$T/away.conf"
out=$("$SMSD" -n -c "$T/away.conf" 2>&1) && rc=0 || rc=$?
check "readable by owner and group only, it is accepted" "$rc" 0
printf 'instance = "x";\nmodem = { connection = "none"; device = "/tmp";\n  pin = "4321"; };\ndatabase = "dbname=x";\n' >"$T/pin.conf"
chmod 604 "$T/pin.conf"
out=$("$SMSD" -n -c "$T/pin.conf" 2>&1) && rc=0 || rc=$?
check "a SIM PIN readable by others is refused" \
    "$rc:$out" "1:lapor-smsd: $T/pin.conf:3: modem.pin holds the SIM PIN, but the file is readable by others (mode 0604); chmod o-r $T/pin.conf"
printf 'instance = "x";\nmodem = { connection = "none"; device = "/tmp"; };\ndatabase = "postgresql://gw:pw@localhost/lapor";\n' >"$T/uri.conf"
out=$("$SMSD" -n -c "$T/uri.conf" 2>&1) && rc=0 || rc=$?
check "a password inside a connection URI counts too" "$rc" 1
"$SMSD" -f -c "$T/away.conf" >"$T/away.log" 2>&1 &
away=$!
sleep 4
check "with neither database nor modem the daemon keeps running" \
    "$(kill -0 $away 2>/dev/null && echo alive)" alive
check "it reports the database" "$(grep -c 'database connection failed' "$T/away.log" | awk '{print ($1 > 0)}')" 1
check "no password in the log" "$(grep -c "s3cr3t-pw" "$T/away.log" || true)" 0
kill -TERM $away
rc=0
wait $away || rc=$?
check "SIGTERM ends it cleanly" "$rc" 0

# The modem away while the database is there: the modem is reported, not the database.
sed -e "s|device = \"$MODEM\"|device = \"$T/no-modem\"|" "$CONF" >"$T/nomodem.conf"
"$SMSD" -f -c "$T/nomodem.conf" >"$T/nomodem.log" 2>&1 &
nomodem=$!
sleep 3
check "a missing modem is reported as the modem" \
    "$(grep -c 'modem connection failed' "$T/nomodem.log" | awk '{print ($1 > 0)}')" 1
check "... and not as the database" "$(grep -c 'database connection failed' "$T/nomodem.log")" 0
check "... as a device that does not exist, once" "$(grep -c 'does not exist' "$T/nomodem.log")" 1
check "... with no recovery ladder (no reset brings a device back)" \
    "$(grep -c 'modem recovery' "$T/nomodem.log" || true)" 0
mkdir -p "$T/no-modem"
inject_conf=$T/nomodem.conf
"$SMSCTL" -c "$inject_conf" inject --from 081299990000 -- "Modem kembali, laporan masuk." >/dev/null
wait_for "SELECT count(*) = 1 FROM outbox WHERE status = 'sent'" 40
check "when the modem appears its message is taken in" "$(q "SELECT count(*) FROM complaint")" 1
kill -TERM $nomodem
wait $nomodem || true
finish
