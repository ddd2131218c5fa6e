#!/usr/bin/env bash
# Agencies' own logins (issue 17): a login that is a member of lapor_agency and listed in
# agency_login reads its agency's tickets through agency_own_ticket, never another agency's, never
# the sender of a RAHASIA complaint, and no table at all; lapor_reader is the operators' role.
. "$(dirname "$0")/../lib/common.sh"
lab_init "routing = { automatic = true; };"
ctl() { "$SMSCTL" -c "$CONF" "$@"; }
ctl agency add PDAM "PDAM Tirta Kota" >/dev/null
ctl agency keyword PDAM PDAM >/dev/null
ctl agency add DISHUB "Dinas Perhubungan" >/dev/null
ctl agency keyword DISHUB DISHUB >/dev/null
q "CREATE ROLE pdam LOGIN IN ROLE lapor_agency; CREATE ROLE dishub LOGIN IN ROLE lapor_agency;
   CREATE ROLE nobody_agency LOGIN IN ROLE lapor_agency;
   INSERT INTO agency_login (login, agency_id) SELECT lower(code), id FROM agency" >/dev/null
as() { "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 -qAt -U "$1" -c "$2" 2>&1; }
daemon_start
inject 081300001111 "PDAM air mati 3 hari"
inject 081300002222 "RAHASIA #pdam petugas meteran minta uang"
inject 081300003333 "DISHUB lampu lalu lintas mati"
wait_for "SELECT count(*) = 3 FROM complaint WHERE agency_id IS NOT NULL" 30
daemon_stop

check "PDAM's login reads PDAM's two tickets" \
    "$(as pdam "SELECT string_agg(DISTINCT agency, ',') || ':' || count(*) FROM agency_own_ticket")" PDAM:2
check "... with the ordinary sender's number and never the confidential one's" \
    "$(as pdam "SELECT string_agg(coalesce(sender, 'hidden'), ',' ORDER BY confidential)
                 FROM agency_own_ticket")" "+6281300001111,hidden"
check "DISHUB's login reads only DISHUB's" \
    "$(as dishub "SELECT string_agg(agency || ' ' || sender, ',') FROM agency_own_ticket")" \
    "DISHUB +6281300003333"
check "a login listed with no agency reads nothing" \
    "$(as nobody_agency "SELECT count(*) FROM agency_own_ticket")" 0
for t in complaint sms_in sms_part outbox complaint_event agency_ticket confirmation liaison; do
    check "PDAM's login cannot read $t" \
        "$(as pdam "SELECT count(*) FROM $t" | grep -c 'permission denied')" 1
done
check "... nor change its own view" \
    "$(as pdam "DELETE FROM agency_own_ticket" | grep -c -E 'permission denied|cannot delete')" 1
check "... nor list itself with another agency" \
    "$(as pdam "UPDATE agency_login SET agency_id = agency_id + 1" | grep -c 'permission denied')" 1
finish
