#!/bin/bash
# Proves that libGammu's own AT driver (through the gammu tool, libGammu 1.42)
# works against atsim.py, and records how libGammu reacts to the malformed
# PDUs of mkpdu.py, so a libGammu upgrade that changes any of it shows up here.
#
# Usage: tests/modemsim/check_with_gammu.sh     (exit 0 when all checks pass)
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
# Importing mkpdu must not leave a __pycache__ folder in the source tree.
export PYTHONDONTWRITEBYTECODE=1
ATSIM="$HERE/atsim.py"
MKPDU="$HERE/mkpdu.py"

if ! command -v gammu >/dev/null 2>&1; then
    echo "gammu not installed: skipped"
    exit 77
fi

WORK=$(mktemp -d /tmp/modemsim-check.XXXXXX)
BG_PIDS=()
cleanup() {
    # Only the gammu processes this script started are stopped, by their id.
    for pid in "${BG_PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok   - $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL - $*"; }
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok "$what"; else bad "$what"; fi
}

# new_modem NAME [atsim options]: a fresh simulator folder and gammu config.
new_modem() {
    local name=$1
    shift
    D="$WORK/$name"
    mkdir -p "$D/inbox"
    RC="$WORK/$name.gammurc"
    cat >"$RC" <<EOF
[gammu]
device = $PY $ATSIM --dir $D $*
connection = proxyat
EOF
}

# g TIMEOUT ARGS...: runs gammu on the current modem, output in $OUT, status in $RCODE.
g() {
    local t=$1
    shift
    OUT=$(timeout -s KILL "$t" gammu -c "$RC" "$@" 2>&1)
    RCODE=$?
}

# still_running_after SECONDS ARGS...: starts gammu in the background and
# tells whether it is still waiting after SECONDS; it is killed either way.
still_running_after() {
    local secs=$1
    shift
    gammu -c "$RC" "$@" >"$WORK/bg.out" 2>&1 &
    local pid=$!
    BG_PIDS+=("$pid")
    sleep "$secs"
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
        return 0
    fi
    wait "$pid" 2>/dev/null
    return 1
}

count_rx() { grep -c " RX $1" "$D/at.log"; }
has() { grep -qF -- "$1" <<<"$OUT"; }

echo "# identify"
new_modem ident --imei 490154203237518 --imsi 510109876543210
g 60 identify
check "identify exits 0" test "$RCODE" -eq 0
check "identify shows the IMEI" has "490154203237518"
check "identify shows the IMSI" has "510109876543210"
check "at.log records ATE1" grep -q " RX ATE1$" "$D/at.log"

echo "# read, delete, send"
new_modem main
$PY "$MKPDU" --from +628123456789 --text "Jalan rusak di Jl. Merdeka" --out-dir "$D/inbox" >/dev/null
$PY "$MKPDU" --from Telkomsel --text "Pulsa {bonus} 5000€" --out-dir "$D/inbox" >/dev/null
$PY "$MKPDU" --from +628111222333 --text "Lampu mati" --class0 --out-dir "$D/inbox" >/dev/null
LONG="Banjir setinggi lutut 😡 di depan sekolah, mohon segera ditangani. Warga sudah menunggu sejak pagi dan belum ada petugas yang datang ke lokasi."
$PY "$MKPDU" --from +628999888777 --ref 77 --text "$LONG" --out-dir "$D/inbox" >/dev/null
check "mkpdu wrote 6 index files" test "$(ls "$D/inbox" | wc -l)" -eq 6

g 60 getallsms
check "getallsms exits 0" test "$RCODE" -eq 0
check "getallsms reports 6 parts" has "6 SMS parts in 6 SMS sequences"
check "GSM 7-bit text" has "Jalan rusak di Jl. Merdeka"
check "alphanumeric sender" has '"Telkomsel"'
check "extension characters" has "Pulsa {bonus} 5000€"
check "class 0 message" has "Lampu mati"
check "UCS-2 part with emoji" has "Banjir setinggi lutut 😡"
check "concatenation header" has "ID (8 bit) 77, part 3 of 3"
check "one AT+CMGL=4" test "$(count_rx 'AT+CMGL=4')" -eq 1

g 60 geteachsms
check "geteachsms joins the 3 parts" has "$LONG"

g 60 deletesms 1 2
check "deletesms exits 0" test "$RCODE" -eq 0
check "deletesms removed inbox/2" test ! -e "$D/inbox/2"
check "inbox/1 kept" test -e "$D/inbox/1"
check "one AT+CMGD=2" test "$(count_rx 'AT+CMGD=2')" -eq 1

g 60 sendsms TEXT +6281234567890 -text "Laporan 123 diterima"
check "sendsms exits 0" test "$RCODE" -eq 0
check "sendsms got reference 0" has "message reference=0"
check "sent/1 recorded" test -s "$D/sent/1"
# The destination +6281234567890 in semi-octets, with its length and type.
check "sent PDU addresses +6281234567890" grep -q "0D91261832547698F0" "$D/sent/1"
g 60 sendsms TEXT +6281234567890 -text "kedua"
check "second send (a new simulator process): reference 1" has "message reference=1"
check "second send: sent/2 recorded" test -s "$D/sent/2"

echo "send_error=500" >"$D/faults"
g 60 sendsms TEXT +6281234567890 -text "gagal"
check "send_error=500: gammu fails" test "$RCODE" -ne 0
check "send_error=500: gammu reports error 500" has "error 500"
check "send_error=500: nothing recorded" test ! -e "$D/sent/3"
rm -f "$D/faults"

echo "# faults"
new_modem hang
echo "hang=1" >"$D/faults"
check "hang=1: gammu still waiting after 5 s" still_running_after 5 identify

new_modem cmglhang --hang-in-cmgl 1
$PY "$MKPDU" --text "satu" --out-dir "$D/inbox" >/dev/null
$PY "$MKPDU" --text "dua" --out-dir "$D/inbox" >/dev/null
check "hang_in_cmgl=1: gammu still waiting after 5 s" still_running_after 5 getallsms

new_modem fake --fake-delete 1
$PY "$MKPDU" --text "satu" --out-dir "$D/inbox" >/dev/null
g 60 deletesms 1 1
check "fake_delete: gammu believes the delete" test "$RCODE" -eq 0
check "fake_delete: file kept" test -e "$D/inbox/1"

new_modem pin --pin 1234
g 60 getsecuritystatus
check "locked SIM reports PIN" has "Waiting for PIN"
g 60 entersecuritycode PIN 9999
check "wrong PIN refused" test "$RCODE" -ne 0
g 60 entersecuritycode PIN 1234
check "right PIN accepted" test "$RCODE" -eq 0
check "pin-attempts has one wrong, one ok" bash -c "grep -c wrong '$D/pin-attempts' | grep -qx 1 && grep -q ' ok$' '$D/pin-attempts'"

new_modem full --sim-full 1 --sim-size 10
$PY "$MKPDU" --text "satu" --out-dir "$D/inbox" >/dev/null
g 60 monitor 1
check "sim_full: gammu monitor shows 10 used of 10" has "10 used"
OUT=$(printf 'AT+CPMS?\r' | $PY "$ATSIM" --dir "$D" --sim-full 1 --sim-size 10)
check "sim_full: AT+CPMS? says 10 of 10" has '+CPMS: "SM",10,10'

echo "# 2,000 messages"
new_modem bulk --sim-size 2500
$PY - "$HERE" "$D/inbox" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import mkpdu
pdus = [mkpdu.deliver_pdu("+62812%07d" % i, "Laporan %d" % i) for i in range(2000)]
mkpdu.write_inbox(sys.argv[2], pdus)
EOF
START=$(date +%s%N)
g 120 getallsms
MS=$((($(date +%s%N) - START) / 1000000))
check "2,000 messages listed" has "2000 SMS parts in 2000 SMS sequences"
check "... in ${MS} ms (< 10 s)" test "$MS" -lt 10000

echo "# malformed PDUs (what libGammu 1.42 does with them)"
malformed() { # malformed NAME: the named PDU at index 1, a normal one at 2.
    new_modem "bad-$1"
    $PY "$MKPDU" --malformed "$1" --out-dir "$D/inbox" >/dev/null
    $PY "$MKPDU" --text "normal sesudahnya" --out-dir "$D/inbox" >/dev/null
}
malformed udl200
g 60 getallsms
check "200-septet PDU: getallsms aborts (SIGABRT)" test "$RCODE" -eq 134
check "200-septet PDU: stack smashing detected" has "stack smashing detected"
check "200-septet PDU: the normal message is never shown" bash -c "! grep -q 'normal sesudahnya' <<<'$OUT'"
g 60 deletesms 1 1
check "200-septet PDU: deleting through libGammu aborts too" test "$RCODE" -eq 134
check "200-septet PDU: still on the SIM" test -e "$D/inbox/1"

new_modem udl168
$PY "$MKPDU" --malformed udl200 --septets 168 --out-dir "$D/inbox" >/dev/null
g 60 getallsms
check "168-septet PDU: decodes without abort" test "$RCODE" -eq 0
new_modem udl169
$PY "$MKPDU" --malformed udl200 --septets 169 --out-dir "$D/inbox" >/dev/null
g 60 getallsms
check "169-septet PDU: aborts" test "$RCODE" -eq 134

malformed concat-part-zero
g 60 getallsms
check "part 0: getallsms lists it" has "part 0 of 2"
check "part 0: geteachsms (GSM_LinkSMS) still busy after 5 s" still_running_after 5 geteachsms

malformed udh-longer-than-ud
check "UDH longer than UD first in list: getallsms still looping after 5 s" still_running_after 5 getallsms
check "... re-listing again and again (> 100 AT+CMGL=4)" test "$(count_rx 'AT+CMGL=4')" -gt 100

new_modem udh-second
$PY "$MKPDU" --text "normal pertama" --out-dir "$D/inbox" >/dev/null
$PY "$MKPDU" --malformed udh-longer-than-ud --out-dir "$D/inbox" >/dev/null
$PY "$MKPDU" --text "normal ketiga" --out-dir "$D/inbox" >/dev/null
g 60 getallsms
check "UDH longer than UD not first: skipped as corrupted, others read" \
    bash -c "grep -q 'Corrupted message' <<<'$OUT' && grep -q 'normal ketiga' <<<'$OUT'"

for name in concat-total-zero concat-seq-above-total status-report ucs2-lone-surrogate ucs2-nul 8bit reserved-dcs; do
    malformed "$name"
    g 60 getallsms
    check "$name: getallsms exits 0 and reads the next message" \
        bash -c "test $RCODE -eq 0 && grep -q 'normal sesudahnya' <<<'$OUT'"
done

echo "$PASSED passed, $FAILED failed"
test "$FAILED" -eq 0
