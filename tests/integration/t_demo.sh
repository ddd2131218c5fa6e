#!/usr/bin/env bash
# The README's demo, run on this build: three SMS in, three replies out, each with its ticket.
set -euo pipefail
LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
out=$(LAPOR_BUILD=${LAPOR_BIN:-$LAPOR_SRC/build} bash "$LAPOR_SRC/scripts/demo.sh" 2>&1) || {
    echo "$out"
    echo "0 passed, 1 failed"
    exit 1
}
tickets=$(echo "$out" | grep -cE '^  ticket #[0-9]{7}, reply sent: .*#[0-9]{7}')
parts=$(echo "$out" | grep -c '^from .*, 2 parts,')
emoji=$(echo "$out" | grep -c '😡')
if [ "$tickets" = 3 ] && [ "$parts" = 1 ] && [ "$emoji" -ge 1 ]; then
    echo "1 passed, 0 failed"
else
    echo "$out"
    echo "demo: $tickets replies with tickets (want 3), $parts two-part message (want 1), emoji shown $emoji"
    echo "0 passed, 1 failed"
    exit 1
fi
