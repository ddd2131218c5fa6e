#!/usr/bin/env bash
# Webhooks to agencies' systems, against a local HTTPS receiver with a certificate authority of
# the test's own (tests/lib/webhook_receiver.py): every event is delivered, in order per ticket,
# with a valid signature; 500s are retried until the receiver answers 200; a receiver that hangs
# times out and gets the event again (and drops the second copy by its id), while intake, replies
# and other agencies go on; a killed receiver gets its events once it is back; an event that
# keeps failing ends failed, listed, retried and cancelled by hand; RAHASIA payloads carry no
# number; nothing is sent after a webhook is removed; plain http only where allowed.
. "$(dirname "$0")/../lib/common.sh"
# The receiver is on this machine: no proxy between.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
R=$T/receiver
mkdir -p "$R"
# The certificate authority and the receiver's certificate for localhost.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=lapor-test-ca -keyout "$R/ca.key" \
    -out "$R/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$R/key.pem" -out "$R/req.pem" \
    2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' >"$R/ext.cnf"
openssl x509 -req -in "$R/req.pem" -CA "$R/ca.pem" -CAkey "$R/ca.key" -CAcreateserial -days 2 \
    -extfile "$R/ext.cnf" -out "$R/cert.pem" 2>/dev/null
# A certificate for localhost that no trusted authority signed, for a receiver to be refused.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost -keyout "$R/self.key" -out "$R/self.pem" 2>/dev/null
RECEIVER_PID=
receiver_start() {
    rm -f "$R/port"
    /usr/bin/python3 "$LAPOR_SRC/tests/lib/webhook_receiver.py" "$R" "$R/cert.pem" "$R/key.pem" \
        2>>"$R/receiver.err" &
    RECEIVER_PID=$!
    for _ in $(seq 50); do [ -f "$R/port" ] && break; sleep 0.1; done
    PORT=$(cat "$R/port")
    echo "$PORT" >"$R/port.want"
}
receiver_kill() { kill -KILL "$RECEIVER_PID" 2>/dev/null || true; wait "$RECEIVER_PID" 2>/dev/null || true; }
SECOND_PID=''
UNTRUSTED_PID=''
others_kill() { for p in $SECOND_PID $UNTRUSTED_PID; do kill -KILL "$p" 2>/dev/null || true; done; }
trap 'receiver_kill; others_kill; lab_cleanup' EXIT
receiver_start

lab_init "routing = { automatic = true; };" "replies = { budget = 50; };" \
    "webhook = { timeout = 2; first_delay = 1; max_delay = 2; max_attempts = 5; concurrency = 2; per_agency = 1; ca_file = \"$R/ca.pem\"; };"
# The daemon logs in as a member of lapor_daemon, the operators' commands as the owner.
cp "$CONF" "$T/admin.conf"
q "CREATE ROLE gw LOGIN IN ROLE lapor_daemon; CREATE ROLE op LOGIN IN ROLE lapor_reader" >/dev/null
sed -i "s|^database = \"\(.*\)user=postgres|database = \"\1user=gw|" "$CONF"
ctl() { "$SMSCTL" -c "$T/admin.conf" "$@"; }
mode() { echo "$2" >"$R/mode-$1"; }
for code in PDAM DISHUB DEAD MOVED FORGED BIG; do
    ctl agency add $code "Agency $code" >/dev/null
    ctl agency keyword $code $code >/dev/null
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$R/secret-$code"
done
ctl liaison add PDAM 081277776666 >/dev/null
LIAISON=081277776666
check "plain http is refused without --allow-http" \
    "$(ctl webhook set PDAM "http://127.0.0.1:$PORT/hook/PDAM" <"$R/secret-PDAM" >/dev/null 2>&1; echo $?)" 1
check "a short secret is refused" "$(echo short | ctl webhook set PDAM "https://localhost:$PORT/hook/PDAM" >/dev/null 2>&1; echo $?)" 1
ctl webhook set PDAM "https://localhost:$PORT/hook/PDAM" <"$R/secret-PDAM" >/dev/null
ctl webhook set DISHUB "https://localhost:$PORT/hook/DISHUB" <"$R/secret-DISHUB" >/dev/null
ctl webhook set DEAD "http://127.0.0.1:9/hook/DEAD" --allow-http <"$R/secret-DEAD" >/dev/null
check "the secret is never listed whole" "$(ctl webhook list | grep -c "$(cat "$R/secret-PDAM")")" 0
check "... but its start is" "$(ctl webhook list | grep -c "PDAM .*secret $(head -c 4 "$R/secret-PDAM")\.\.\. (48 characters)")" 1

# Received events of an agency, as "type:ticket" in the order they first came, duplicates and
# failed answers left out.
received() {
    /usr/bin/python3 - "$R/log.jsonl" "$1" <<'PY'
import json, sys
out = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["agency"] == sys.argv[2] and not e["duplicate"] and e["mode"] not in ("fail", "redirect"):
        b = json.loads(e["body"])
        out.append(b["type"] + ":" + b["ticket"])
print(" ".join(out))
PY
}
log_count() { # log_count PYTHON-CONDITION-ON-e
    /usr/bin/python3 -c "import json,sys; print(sum(1 for l in open(sys.argv[1]) for e in [json.loads(l)] if $1))" "$R/log.jsonl"
}
as_op() { "$PG_BIN/psql" -X -qAt -U op -c "$1" 2>&1 || true; }
check "a reader sees the webhooks" "$(as_op "SELECT count(*) FROM agency_webhook" | grep -c 'permission denied')" 0
check "... but not their secrets" "$(as_op "SELECT secret FROM agency_webhook" | grep -c 'permission denied')" 1
touch "$R/log.jsonl"
daemon_start
# A second daemon on the same database, with a modem of its own: its sender competes for the
# same events, and no event may be in flight from both.
mkdir -p "$T/modem2"
sed -e 's/^instance = .*/instance = "test2";/' -e "s|device = \"$MODEM\"|device = \"$T/modem2\"|" \
    "$CONF" >"$T/second.conf"
chmod 600 "$T/second.conf"
"$SMSD" -f -c "$T/second.conf" >>"$T/daemon2.log" 2>&1 &
SECOND_PID=$!

# 500s for a while: the first event is retried, and the ticket's later events wait behind it.
mode PDAM fail
inject 081300001111 "PDAM air mati 3 hari di Perum Griya Asri blok C"
wait_for "SELECT count(*) = 1 FROM complaint WHERE status = 'diteruskan'" 30
T1=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300001111'")
send_confirmed $LIAISON "TL $T1 Petugas datang besok" +6281277776666
wait_for "SELECT count(*) = 1 FROM complaint WHERE status = 'diproses'" 30
send_confirmed $LIAISON "SELESAI $T1 Sudah diperbaiki" +6281277776666
wait_for "SELECT count(*) = 1 FROM complaint WHERE status = 'selesai'" 30
wait_for "SELECT attempts >= 2 FROM webhook_event WHERE kind = 'routed'" 30
check "three events are queued for the ticket" "$(q "SELECT string_agg(kind, ' ' ORDER BY id) FROM webhook_event")" "routed followup closed"
check "only the oldest is tried while it fails" \
    "$(q "SELECT count(*) FROM webhook_event WHERE kind <> 'routed' AND attempts > 0")" 0
check "... and the receiver saw only that one" \
    "$(log_count "e['event_id'] != '$(q "SELECT event_id FROM webhook_event WHERE kind = 'routed'")'")" 0
mode PDAM ok
wait_for "SELECT count(*) = 3 FROM webhook_event WHERE status = 'delivered'" 30
check "once it answers 200, every event arrives, in order" "$(received PDAM)" \
    "routed:$T1 followup:$T1 closed:$T1"
check "each event carries the ticket's status after its change" \
    "$(/usr/bin/python3 -c '
import json, sys
seen = [json.loads(json.loads(l)["body"]) for l in open(sys.argv[1]) if json.loads(l)["mode"] == "ok"]
print(" ".join(b["type"] + ":" + b["status"] for b in seen))' "$R/log.jsonl")" \
    "routed:diteruskan followup:diproses closed:selesai"
check "... and the follow-up's words" \
    "$(q "SELECT payload::json->>'detail' FROM webhook_event WHERE kind = 'followup'")" "Petugas datang besok"

# RAHASIA: no number in what the agency gets.
inject 081300002222 "RAHASIA petugas meteran #pdam minta uang tambahan"
wait_for "SELECT count(*) = 4 FROM webhook_event WHERE status = 'delivered'" 30
rahasia=$(tail -n 1 "$R/log.jsonl")
check "a RAHASIA payload has no sender" "$(echo "$rahasia" | json_get body | json_get sender)" null
check "... and no digit of the number" "$(echo "$rahasia" | grep -c 1300002222)" 0
check "an open ticket's payload has the masked number" \
    "$(head -n 4 "$R/log.jsonl" | tail -n 1 | json_get body | json_get sender)" "+62813****111"

# A hanging receiver: the request times out and is made again (the receiver drops the copy);
# meanwhile intake, replies and another agency go on.
mode PDAM hang
inject 081300003333 "PDAM pipa bocor di depan sekolah"
wait_for "SELECT count(*) = 1 FROM webhook_event WHERE status = 'sending' AND kind = 'routed' AND complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300003333')" 30
inject 081300004444 "DISHUB lampu lalu lintas mati di perempatan"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+6281300004444' AND status = 'sent'" 20
check "a reply goes out while the receiver hangs" "$(q "SELECT status FROM outbox WHERE destination = '+6281300004444'")" sent
wait_for "SELECT count(*) = 1 FROM webhook_event e JOIN agency a ON a.id = e.agency_id WHERE a.code = 'DISHUB' AND e.status = 'delivered'" 20
check "another agency's event is delivered meanwhile" \
    "$(q "SELECT status <> 'delivered' FROM webhook_event e JOIN agency a ON a.id = e.agency_id WHERE a.code = 'PDAM' AND e.complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300003333')")" t
wait_for "SELECT attempts >= 2 FROM webhook_event WHERE complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300003333')" 30
mode PDAM ok
wait_for "SELECT count(*) = 0 FROM webhook_event WHERE status <> 'delivered' AND agency_id <> (SELECT id FROM agency WHERE code = 'DEAD')" 30
check "the hung event was delivered again, and the receiver dropped the copies" \
    "$(log_count "e['duplicate'] and e['agency'] == 'PDAM'" | sed 's/^[1-9][0-9]*$/some/')" some

# A slow agency with a long queue (longer than four times the requests in flight): another
# agency's event goes ahead of it, rather than when the slow agency's queue has drained.
mode PDAM slow
for i in $(seq 10 33); do inject "081300010$i" "PDAM air mati di gang $i"; done
wait_for "SELECT count(*) = 24 FROM webhook_event WHERE complaint_id IN (SELECT id FROM complaint WHERE sender LIKE '+628130001%')" 30
inject 081300008888 "DISHUB rambu jatuh di jalan raya"
wait_for "SELECT count(*) = 1 FROM webhook_event WHERE status = 'delivered' AND complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300008888')" 30
check "another agency's event is not held behind a slow agency's queue" \
    "$(q "SELECT count(*) >= 12 FROM webhook_event WHERE complaint_id IN (SELECT id FROM complaint WHERE sender LIKE '+628130001%') AND status <> 'delivered'")" t
check "... the slow agency has one request in flight at a time" "$(q "SELECT count(*) <= 1 FROM webhook_event WHERE status = 'sending'")" t
mode PDAM ok
wait_for "SELECT count(*) = 0 FROM webhook_event WHERE status <> 'delivered' AND agency_id <> (SELECT id FROM agency WHERE code = 'DEAD')" 30

# A killed receiver gets its events once it is back.
receiver_kill
inject 081300005555 "PDAM meteran rusak"
wait_for "SELECT last_error IS NOT NULL FROM webhook_event WHERE complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300005555')" 30
receiver_start
wait_for "SELECT status = 'delivered' FROM webhook_event WHERE complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300005555')" 30
check "a killed receiver gets its event once it is back" \
    "$(received PDAM | tr ' ' '\n' | grep -c "^routed:$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300005555'")$")" 1

# An operator's status change and a citizen's added information are events too.
T4=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300004444'")
ctl ticket reject "$T4" --reason "bukan wewenang kami" >/dev/null
T3=$(q "SELECT ticket_of(id) FROM complaint WHERE sender = '+6281300003333'")
send_confirmed 081300003333 "TAMBAH $T3 pipanya di sebelah kiri gerbang" +6281300003333
wait_for "SELECT count(*) = 2 FROM webhook_event WHERE kind IN ('status', 'info_added') AND status = 'delivered'" 30
check "an operator's reject reaches the agency" "$(received DISHUB | tr ' ' '\n' | grep -c "^status:$T4$")" 1
check "... with its status and reason" \
    "$(q "SELECT (payload::json->>'status') || '/' || (payload::json->>'detail') || '/' || (payload::json->>'by') FROM webhook_event WHERE kind = 'status'")" \
    "ditolak/bukan wewenang kami/operator"
check "a citizen's TAMBAH reaches the agency" \
    "$(received PDAM | tr ' ' '\n' | grep -c "^info_added:$T3$")" 1

# An endpoint that is never there: failed after max_attempts, then listed, retried, cancelled.
inject 081300006666 "DEAD jembatan putus"
wait_for "SELECT status = 'failed' FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'DEAD')" 40
dead=$(q "SELECT id FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'DEAD')")
check "a failing event ends failed after 5 attempts" "$(q "SELECT attempts FROM webhook_event WHERE id = $dead")" 5
check "... is listed" "$(ctl webhook events --status failed | grep -c "^ *$dead DEAD .* failed")" 1
check "... shows in status" "$(ctl status | grep -c 'webhooks: .*1 failed')" 1
ctl webhook retry "$dead" >/dev/null
check "... is retried by hand" "$(q "SELECT status IN ('queued', 'sending') FROM webhook_event WHERE id = $dead")" t
ctl webhook cancel "$dead" >/dev/null
check "... and cancelled by hand" "$(q "SELECT status FROM webhook_event WHERE id = $dead")" cancelled

# A redirect is not followed, and a certificate no trusted authority signed is refused.
mode MOVED redirect
ctl webhook set MOVED "https://localhost:$PORT/hook/MOVED" <"$R/secret-MOVED" >/dev/null
inject 081300009999 "MOVED pohon tumbang"
wait_for "SELECT last_error IS NOT NULL FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'MOVED')" 30
check "a redirect is a failed attempt" \
    "$(q "SELECT last_error FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'MOVED')")" "HTTP 302"
check "... never followed" "$(log_count "e['agency'] == 'elsewhere'")" 0
ctl webhook remove MOVED >/dev/null
mode BIG big
ctl webhook set BIG "https://localhost:$PORT/hook/BIG" <"$R/secret-BIG" >/dev/null
inject 081300004321 "BIG jalan berlubang"
wait_for "SELECT status = 'delivered' FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'BIG')" 30
for _ in $(seq 50); do [ -s "$R/big" ] && break; sleep 0.1; done
check "a 2xx answer with a huge body is a delivery, and the body is not read to its end" \
    "$(( $(cat "$R/big" 2>/dev/null || echo $((64 << 20))) < 64 << 20 ))" 1
ctl webhook remove BIG >/dev/null
R2=$T/untrusted
mkdir -p "$R2"
(exec /usr/bin/python3 "$LAPOR_SRC/tests/lib/webhook_receiver.py" "$R2" "$R/self.pem" "$R/self.key" \
    2>>"$R2/receiver.err") &
UNTRUSTED_PID=$!
for _ in $(seq 50); do [ -f "$R2/port" ] && break; sleep 0.1; done
ctl webhook set FORGED "https://localhost:$(cat "$R2/port")/hook/FORGED" <"$R/secret-FORGED" >/dev/null
inject 081300001234 "FORGED lampu taman mati"
wait_for "SELECT last_error IS NOT NULL FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'FORGED')" 30
check "a certificate no trusted authority signed is refused" \
    "$(q "SELECT last_error LIKE '%certificate%' FROM webhook_event WHERE agency_id = (SELECT id FROM agency WHERE code = 'FORGED')")" t
check "... before anything is sent" "$([ -s "$R2/log.jsonl" ] && echo sent || echo nothing)" nothing
ctl webhook remove FORGED >/dev/null
kill -KILL "$UNTRUSTED_PID"
wait "$UNTRUSTED_PID" 2>/dev/null || true
UNTRUSTED_PID=

# Every delivery signed right, fresh; every delivered event received, each ticket's in order.
q "SELECT event_id || ' ' || id || ' ' || complaint_id FROM webhook_event" >"$R/ids"
check "each ticket's events arrived in the order they were made" "$(/usr/bin/python3 - "$R/log.jsonl" "$R/ids" <<'PY'
import json, sys
ids = {l.split()[0]: (int(l.split()[1]), l.split()[2]) for l in open(sys.argv[2])}
last, bad = {}, 0
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["duplicate"] or e["mode"] in ("fail", "redirect"):
        continue
    n, ticket = ids[e["event_id"]]
    bad += n < last.get(ticket, 0)
    last[ticket] = n
print(bad)
PY
)" 0
check "every delivered event reached the receiver once" \
    "$(log_count "not e['duplicate'] and e['mode'] not in ('fail', 'redirect')")" \
    "$(q "SELECT count(*) FROM webhook_event WHERE status = 'delivered'")"

check "every signature is valid" "$(log_count "not e['signature_ok']")" 0
check "every timestamp is fresh" "$(log_count "e['age_s'] > 60")" 0

# A removed webhook: nothing more is queued or sent.
ctl webhook remove PDAM >/dev/null
before=$(wc -l <"$R/log.jsonl")
inject 081300007777 "PDAM air keruh"
wait_for "SELECT count(*) = 1 FROM outbox WHERE destination = '+6281300007777' AND status = 'sent'" 20
sleep 2
check "no event is queued after the webhook is removed" \
    "$(q "SELECT count(*) FROM webhook_event WHERE complaint_id = (SELECT id FROM complaint WHERE sender = '+6281300007777')")" 0
check "... and nothing is sent" "$(wc -l <"$R/log.jsonl")" "$before"
check "the daemon listens on no port" "$(/usr/bin/python3 - "$DAEMON_PID" <<'PY'
import os, sys
pid = sys.argv[1]
mine = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
        if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:")}
listening = 0
for table in ("tcp", "tcp6", "udp", "udp6"):
    for line in open(f"/proc/{pid}/net/{table}").readlines()[1:]:
        f = line.split()
        listening += f[9] in mine and (f[3] == "0A" or table.startswith("udp"))
print(listening)
PY
)" 0
check "both daemons' senders delivered events" \
    "$(q "SELECT count(DISTINCT split_part(lease_owner, ':', 1)) FROM webhook_event WHERE status = 'delivered'")" 2
check "no event was ever in flight twice at once" "$(log_count "e['overlap']")" 0
check "no permission was denied to the daemon" "$(grep -c -i 'permission denied' "$DAEMON_LOG" || true)" 0
kill -TERM "$SECOND_PID"
wait "$SECOND_PID" && rc2=0 || rc2=$?
SECOND_PID=
daemon_stop
check "the daemons stop cleanly" "$?:$rc2" 0:0
finish
