#!/usr/bin/env bash
# Three daemons with three simulated modems on one PostgreSQL, 6,000 messages in, one daemon
# killed mid-run: its leased and queued replies are taken over by the others, and when it comes
# back its modem is drained; in the end every message is one ticket and every reply went out once.
. "$(dirname "$0")/../lib/common.sh"
PER=${PER_MODEM:-2000}
lab_init
for m in 1 2 3; do
    mkdir -p "$T/modem$m"
    sed -e "s|^instance = .*|instance = \"m$m\";|" -e "s|device = \\\"$MODEM\\\"|device = \\\"$T/modem$m\\\"|" \
        "$CONF" >"$T/m$m.conf"
    cat >>"$T/m$m.conf" <<CONF
batch_size = 20;
lease = 5;
replies = { failover_after = 5; };
heartbeat = 1;
CONF
    for i in $(seq "$PER"); do
        printf '+6282%d%07d\tLaporan modem %d nomor %d: jalan rusak\n' "$m" "$i" "$m" "$i"
    done >"$T/in$m.tsv"
    "$SMSCTL" -c "$T/m$m.conf" inject --file "$T/in$m.tsv" >/dev/null
done
declare -A pid
start() { "$SMSD" -f -c "$T/m$1.conf" >>"$T/m$1.log" 2>&1 & pid[$1]=$!; }
for m in 1 2 3; do start $m; done

# Kill m2 once it is well into its share and has replies of its own in hand.
wait_for "SELECT (SELECT count(*) FROM sms_in WHERE instance = 'm2') >= $((PER / 3))
          AND (SELECT count(*) FROM outbox o JOIN sms_in m ON m.id = o.sms_in_id
               WHERE m.instance = 'm2' AND o.status IN ('queued', 'sending')) >= 10" 120
kill -KILL "${pid[2]}"
wait "${pid[2]}" 2>/dev/null || true
stored2=$(q "SELECT count(*) FROM sms_in WHERE instance = 'm2'")
say "m2 killed after storing $stored2 messages; $(find "$T/modem2/sms" -type f | wc -l) parts left on its modem"

# The others take over m2's replies: its leases run out (5 s), its modem's grace ends (5 s).
wait_for "SELECT count(*) = 0 FROM outbox o JOIN sms_in m ON m.id = o.sms_in_id
          WHERE m.instance = 'm2' AND o.status IN ('queued', 'sending')" 120
check "m2's replies went out through the other modems" \
    "$(q "SELECT count(*) > 0 FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id
          WHERE o.via_instance = 'm2' AND p.instance IN ('m1', 'm3') AND p.status = 'sent'")" t
check "status shows m2 down" \
    "$("$SMSCTL" -c "$T/m1.conf" status --json | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print([m["up"] for m in d["modems"] if m["instance"] == "m2"][0])')" False

# m2 comes back (as systemd would restart it) and drains its modem.
start 2
wait_for "SELECT count(*) = $((3 * PER)) FROM complaint" 300
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 120
for m in 1 2 3; do kill -TERM "${pid[$m]}"; wait "${pid[$m]}" || true; done

check "every message one complaint" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT sender) FROM complaint")" "$((3 * PER))/$((3 * PER))"
check "each modem's messages stored by its own daemon" \
    "$(q "SELECT string_agg(instance || '=' || n, ' ' ORDER BY instance) FROM (SELECT instance, count(*) n FROM sms_in GROUP BY 1) x")" \
    "m1=$PER m2=$PER m3=$PER"
check "one reply per complaint" "$(q "SELECT count(*) FROM outbox")" "$((3 * PER))"
check "no part of any reply recorded as sent twice" \
    "$(q "SELECT count(*) FROM (SELECT outbox_id, seq FROM outbox_part WHERE status = 'sent' GROUP BY 1, 2 HAVING count(*) > 1) x")" 0
check "every reply sent or marked unknown" "$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')")" 0
check "all modems empty" "$(find "$T"/modem?/sms -type f | wc -l)" 0
say "figures: $((3 * PER)) messages; sent $(q "SELECT count(*) FROM outbox WHERE status = 'sent'"), unknown $(q "SELECT count(*) FROM outbox WHERE status = 'unknown'"); sent by another modem than the receiving one: $(q "SELECT count(*) FROM outbox_part p JOIN outbox o ON o.id = p.outbox_id WHERE p.instance <> o.via_instance AND p.status = 'sent'")"
finish
