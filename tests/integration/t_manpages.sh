#!/usr/bin/env bash
# The manual pages are clean: mandoc -Tlint and groff -ww find nothing to warn about in any of
# them, and no entry's tag runs into its description (a tag too long for its line).
set -euo pipefail
LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../lib/check.sh
. "$LAPOR_SRC/tests/lib/check.sh"
linted=0
for page in "$LAPOR_SRC"/man/*.[0-9]; do
    name=$(basename "$page")
    if command -v mandoc >/dev/null; then
        check "mandoc -Tlint: $name" "$(mandoc -Tlint -W warning "$page" 2>&1 || true)" ""
        linted=1
    fi
    if command -v groff >/dev/null; then
        check "groff -ww: $name" "$(groff -ww -man -Tutf8 -z "$page" 2>&1 || true)" ""
        linted=1
    fi
    if command -v man >/dev/null; then
        # A .TP tag that wraps puts the rest of its words before the description, on its line:
        # a tag line ends in an option's argument and the next starts with a lower-case word
        # indented like the description, with the tag's words first.
        runs_in=$(MANWIDTH=80 man -l -Tutf8 "$page" 2>/dev/null | col -bx |
            grep -cE '^ {14}[^ ].*\] +([a-z]+ +)?[A-Z][a-z]' || true)
        check "no entry runs into its description: $name" "$runs_in" 0
    fi
done
[ "$linted" = 1 ] || { echo "neither mandoc nor groff is installed"; exit 77; }
finish
