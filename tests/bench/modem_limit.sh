#!/bin/bash
# modem_limit.sh: the modem's limit alone, in process against through the worker, the same staged
# messages, alternated over several rounds. A benchmark, not a test.
#
#   bash tests/bench/modem_limit.sh [N] [ROUNDS]     (default 10000 messages, 3 rounds)
#
# Prints each run's modem_limit line and, per round, worker / in-process.
set -euo pipefail
N=${1:-10000} ROUNDS=${2:-3}
LAPOR_SRC=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${LAPOR_BIN:-$LAPOR_SRC/build}
TSV=${LAPOR_DATA_TSV:-$LAPOR_SRC/../shared/data/lapor-reports-2017.tsv}
[ -f "$TSV" ] || { echo "modem_limit: $TSV is absent; nothing measured" >&2; exit 1; }
W=$(mktemp -d /tmp/lapor-modemlimit.XXXXXX)
trap 'rm -rf "$W"' EXIT
for tool in stage modem_limit; do
    # shellcheck disable=SC2046
    cc -O2 -Wall -I"$LAPOR_SRC/include" -o "$W/$tool" "$LAPOR_SRC/tests/bench/$tool.c" \
        "$BUILD/liblapor_core.a" "$BUILD/liblapor_pure.a" $(pkg-config --libs gammu libpq libconfig)
done
mkdir -p "$W/msgs"
"$W/stage" gen --tsv "$TSV" --n "$N" --out "$W/msgs" >/dev/null
rate() { sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$1"; }
for round in $(seq 1 "$ROUNDS"); do
    rm -rf "$W/dev" && "$W/stage" place --out "$W/msgs" --device "$W/dev" >/dev/null
    a=$("$W/modem_limit" "$W/dev")
    rm -rf "$W/dev" && "$W/stage" place --out "$W/msgs" --device "$W/dev" >/dev/null
    b=$("$W/modem_limit" "$W/dev" --worker "$BUILD/lapor-smsd")
    echo "round $round: $a"
    echo "round $round: $b"
    echo "round $round: worker / in-process = $(awk "BEGIN{printf \"%.2f\", $(rate "$b") / $(rate "$a")}")"
done
