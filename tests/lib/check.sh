# shellcheck shell=bash
# The tests' verdicts, for every test script (common.sh sources it too).
#
#   check NAME ACTUAL EXPECTED   one assertion: prints ok or FAIL with both values, and counts it
#   finish                       prints the tally; false when any check failed
#   say TEXT                     a line with the time

PASSED=0
FAILED=0

say() { printf '[%s] %s\n' "$(date +%T)" "$*"; }

check() {
    if [ "$2" = "$3" ]; then
        PASSED=$((PASSED + 1))
        say "ok: $1"
    else
        FAILED=$((FAILED + 1))
        say "FAIL: $1: got '$2', expected '$3'"
    fi
}

finish() {
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}
