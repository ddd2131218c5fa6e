#!/bin/bash
# modem_limit.sh: the modem's limit alone, in process against through the worker, the same staged
# messages, alternated over several rounds. A benchmark, not a test.
#
#   bash tests/bench/modem_limit.sh [N] [ROUNDS] [OLD_SRC]
#
# N messages (default 10000), ROUNDS rounds (default 3). With OLD_SRC, a source tree whose
# tests/bench/modem_limit.c also runs through the worker each round (its walk of the modem
# against this one's). Prints each run's modem_limit line and, per round, worker / in-process.
set -euo pipefail
N=${1:-10000} ROUNDS=${2:-3} OLD_SRC=${3:-}
# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"
bench_init modemlimit
trap 'rm -rf "$W"' EXIT
bench_tool stage
bench_tool modem_limit
[ -z "$OLD_SRC" ] || bench_tool modem_limit_old "$OLD_SRC/tests/bench/modem_limit.c"
mkdir -p "$W/msgs"
"$W/bin/stage" gen --tsv "$TSV" --n "$N" --out "$W/msgs" >/dev/null
rate() { sed -n 's/.* rate=\([0-9.]*\).*/\1/p' <<<"$1"; }
run() { # run TOOL [ARGS]: one run on freshly placed messages
    rm -rf "$W/dev"
    "$W/bin/stage" place --out "$W/msgs" --device "$W/dev" >/dev/null
    "$W/bin/$1" "$W/dev" "${@:2}"
}
for round in $(seq 1 "$ROUNDS"); do
    a=$(run modem_limit)
    b=$(run modem_limit --worker "$BUILD/lapor-smsd")
    echo "round $round: $a"
    echo "round $round: $b"
    if [ -n "$OLD_SRC" ]; then
        c=$(run modem_limit_old --worker "$BUILD/lapor-smsd")
        echo "round $round: old walk: $c"
        echo "round $round: old walk through the worker / in-process = $(awk "BEGIN{printf \"%.2f\", $(rate "$c") / $(rate "$a")}")"
    fi
    echo "round $round: worker / in-process = $(awk "BEGIN{printf \"%.2f\", $(rate "$b") / $(rate "$a")}")"
done
