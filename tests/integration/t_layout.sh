#!/usr/bin/env bash
# The source's layout rules (PRODUCT.md, issue 14): each outside library's header is included in
# one place, libGammu's only by the modem backend; no file in daemon/ runs much past 800 lines and
# no function past 80 (a ctags listing), so that each reads on a screen or a few.
set -euo pipefail
LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../lib/check.sh
. "$LAPOR_SRC/tests/lib/check.sh"
cd "$LAPOR_SRC"

# includers HEADER: the source files (C and headers, tests and benchmarks included) that include it.
includers() {
    grep -rlE "^#[[:space:]]*include[[:space:]]*[<\"]$1[>\"]" daemon include tests \
        --include='*.c' --include='*.h' | sort | tr '\n' ' ' | sed 's/ $//'
}
check "gammu.h is included in one place" "$(includers gammu.h)" "include/libgammu.h"
check "... which only the libGammu backend includes" "$(includers libgammu.h)" \
    "daemon/modem_gammu.c daemon/modem_split.c daemon/modem_status.c daemon/modem_ussd.c"
check "libpq-fe.h is included by the store alone" "$(includers libpq-fe.h)" "daemon/store.c"
check "libconfig.h is included by conf alone" "$(includers libconfig.h)" "daemon/conf.c"

# "About 800 lines": a file may pass 800 by a little, not by a screen.
check "no file in daemon/ over 850 lines" \
    "$(wc -l daemon/*.c | awk '$2 != "total" && $1 > 850 {print $2 " " $1}')" ""

ctags=$(command -v ctags-universal || command -v ctags || true)
if [ -z "$ctags" ] || ! "$ctags" --version 2>/dev/null | grep -q "Universal Ctags"; then
    echo "universal-ctags is not installed"
    exit 77
fi
# Each function's first and last line, from ctags' line: and end: fields.
longest=$("$ctags" --fields=+ne --c-kinds=f -o - daemon/*.c | awk -F'\t' '
    { l = e = ""
      for (i = 4; i <= NF; i++) {
          if ($i ~ /^line:/) l = substr($i, 6)
          if ($i ~ /^end:/) e = substr($i, 5)
      }
      if (l != "" && e != "" && e - l + 1 > 80) print $2 ":" $1 " " e - l + 1 }')
check "no function in daemon/ over 80 lines" "$longest" ""
check "ctags found the functions at all" \
    "$("$ctags" --c-kinds=f -o - daemon/*.c | wc -l | awk '{print ($1 > 500)}')" 1

finish
