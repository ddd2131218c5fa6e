#!/usr/bin/env bash
# cppcheck, a static analyser, finds nothing in the daemon's sources at its warning, portability
# and performance levels: what it reports there is a bug or a waste (its style level is left out).
set -euo pipefail
LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! command -v cppcheck >/dev/null; then
    echo "cppcheck is not installed"
    exit 77
fi
cd "$LAPOR_SRC"
found=$(cppcheck --enable=warning,portability,performance --inline-suppr --quiet --std=c11 \
    -D_POSIX_C_SOURCE=200809L -I include daemon/*.c 2>&1)
if [ -n "$found" ]; then
    echo "$found"
    echo "FAIL: cppcheck has findings"
    exit 1
fi
echo "ok: cppcheck finds nothing in $(ls daemon/*.c | wc -l) files"
