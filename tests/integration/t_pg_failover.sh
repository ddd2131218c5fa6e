#!/usr/bin/env bash
# PostgreSQL failover: a primary and a streaming standby (pg_basebackup -R) with synchronous
# replication; the daemon's connection string names both hosts with
# target_session_attrs=read-write. While messages come in and replies go out, the primary is
# stopped with -m immediate and the standby promoted: the daemon follows it, and on the new
# primary every message is there exactly once and every reply went out once (counted at the AT
# simulator). status says when the database has no synchronous standby.
. "$(dirname "$0")/../lib/common.sh"
N=${MESSAGES:-30}
SIM=$T/sim
SIM_ARGS="--sim-size 100"
MODEM_TIMEOUT=5
mkdir -p "$SIM/inbox" "$SIM/sent"
lab_init "batch_size = 3;" "poll_interval = 0.2;" "lease = 10;"
PRIMARY_PORT=$PGPORT
STANDBY_PORT=$((PGPORT + 1))
STANDBY=$T/standby

# The standby: a copy of the primary that follows its WAL, on the same socket folder.
mkdir -p "$STANDBY" && chown postgres: "$STANDBY" 2>/dev/null || true
pg_as_owner "$PG_BIN/pg_basebackup" -D "$STANDBY/data" -R -X stream -h "$PGHOST" -p "$PRIMARY_PORT" \
    -U postgres -d "application_name=standby1" >/dev/null
pg_as_owner "$PG_BIN/pg_ctl" -D "$STANDBY/data" -l "$STANDBY/pg.log" -w -t 60 \
    -o "-p $STANDBY_PORT -k $PGHOST -c listen_addresses='' -c fsync=off" start >/dev/null
standby_stop() { pg_as_owner "$PG_BIN/pg_ctl" -D "$STANDBY/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true; }
trap 'standby_stop; lab_cleanup' EXIT
q "ALTER SYSTEM SET synchronous_standby_names = 'standby1'"
q "ALTER SYSTEM SET synchronous_commit = 'on'"
q "SELECT pg_reload_conf()" >/dev/null
wait_for "SELECT count(*) = 1 FROM pg_stat_replication WHERE sync_state = 'sync'" 30

# The daemon knows both hosts and wants the one that takes writes.
LAPOR_DB_CONNINFO="host=$PGHOST,$PGHOST port=$PRIMARY_PORT,$STANDBY_PORT user=postgres dbname=$PGDATABASE"
LAPOR_DB_CONNINFO="$LAPOR_DB_CONNINFO target_session_attrs=read-write connect_timeout=3"
write_conf "batch_size = 3;" "poll_interval = 0.2;" "lease = 10;"
check "status: a synchronous standby, no warning" "$("$SMSCTL" -c "$CONF" status | grep -c 'no synchronous standby')" 0

for i in $(seq "$N"); do
    sim_put "$(printf '+628155%07d' "$i")" "Laporan $i: lampu jalan mati di gang $i sejak seminggu."
done
# A modem a little slow, so that intake and sending are both under way at the crash.
sim_fault slow_ms=100
daemon_start
wait_for "SELECT count(*) >= 5 FROM outbox WHERE status = 'sent'" 60
# The primary crashes in the middle of intake and sending; the standby takes over.
pg_stop immediate
say "primary stopped with $(sim_inbox) parts on the SIM and $(sim_sent) replies at the modem"
pg_as_owner "$PG_BIN/pg_ctl" -D "$STANDBY/data" -w -t 60 promote >/dev/null
export PGPORT=$STANDBY_PORT
wait_for "SELECT NOT pg_is_in_recovery()" 30
wait_for "SELECT count(*) = $N FROM complaint" 120
wait_for "SELECT count(*) = 0 FROM outbox WHERE status IN ('queued', 'sending')" 120
daemon_stop

check "the daemon followed the failover" "$(grep -c 'database connected' "$DAEMON_LOG" | awk '{print ($1 >= 2)}')" 1
check "the SIM is empty" "$(sim_inbox)" 0
check "every message exactly once on the new primary" \
    "$(q "SELECT count(*) || '/' || count(DISTINCT sender) FROM complaint")" "$N/$N"
check "every part stored once" \
    "$(q "SELECT count(*) FROM (SELECT sms_in_id, concat_seq FROM sms_part GROUP BY 1, 2 HAVING count(*) > 1) x")" 0
/usr/bin/python3 "$LAPOR_SRC/tests/modemsim/handed.py" "$SIM/sent" >"$T/handed.txt"
check "no reply handed to the modem twice" "$(awk '$2 > 1' "$T/handed.txt" | wc -l)" 0
check "every reply sent or unknown" "$(q "SELECT count(*) FROM outbox WHERE status NOT IN ('sent', 'unknown')")" 0
sent=$(q "SELECT count(*) FROM outbox WHERE status = 'sent'")
check "every reply recorded as sent reached the modem" "$(($(wc -l <"$T/handed.txt") >= sent))" 1
say "figures: $N messages, $sent replies sent, $(q "SELECT count(*) FROM outbox WHERE status = 'unknown'") unknown, $(wc -l <"$T/handed.txt") numbers answered at the modem"
check "status: the new primary has no synchronous standby, and says so" \
    "$("$SMSCTL" -c "$CONF" status | grep -c 'no synchronous standby')" 1
check "status --json: the same" "$(status_json | json_get database.synchronous_standby)" false
finish
