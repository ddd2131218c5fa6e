#!/usr/bin/env bash
# What gets installed is sound: the systemd unit passes systemd-analyze verify, the manual pages
# render without warnings, and `cmake --install` puts everything in its usual place.
set -euo pipefail
LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LAPOR_BIN=${LAPOR_BIN:-$LAPOR_SRC/build}
T=$(mktemp -d /tmp/lapor-pkg.XXXXXX)
trap 'rm -rf "$T"' EXIT
passed=0 failed=0
check() {
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "ok: $1"; else
        failed=$((failed + 1)); echo "FAIL: $1: got '$2', expected '$3'"; fi
}
if command -v systemd-analyze >/dev/null; then
    # The unit as installed, but pointing at this build's daemon, which exists.
    sed "s|/usr/sbin/lapor-smsd|$LAPOR_BIN/lapor-smsd|" "$LAPOR_SRC/conf/lapor-smsd@.service" \
        >"$T/lapor-smsd@.service"
    out=$(systemd-analyze verify --man=no "$T/lapor-smsd@.service" 2>&1 || true)
    check "systemd-analyze verify finds nothing to say" "$out" ""
    check "the unit is Type=notify with a watchdog" \
        "$(grep -cE '^(Type=notify|WatchdogSec=|Restart=on-failure)' "$T/lapor-smsd@.service")" 3
else
    echo "systemd-analyze is absent: the unit is not verified"
fi
if command -v man >/dev/null; then
    for page in lapor-smsd.8 lapor-smsctl.8 lapor-smsd.conf.5 lapor-smsd-webhook.7; do
        warnings=$(man --warnings -l -Tutf8 "$LAPOR_SRC/man/$page" 2>&1 >/dev/null || true)
        check "man page $page renders without warnings" "$warnings" ""
    done
fi
# A staged install, as a package build does it: everything under DESTDIR, at the configured prefix.
DESTDIR="$T/root" cmake --install "$LAPOR_BIN" >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$LAPOR_BIN/CMakeCache.txt")
for f in sbin/lapor-smsd sbin/lapor-smsctl etc/lapor-smsd/lapor-smsd.conf \
    share/lapor-smsd/sql/001_baseline.sql share/lapor-smsd/sql/repeatable/99_owner_and_grants.sql \
    share/man/man8/lapor-smsd.8 share/man/man8/lapor-smsctl.8 \
    share/man/man5/lapor-smsd.conf.5 share/man/man7/lapor-smsd-webhook.7 \
    lib/systemd/system/lapor-smsd@.service \
    lib/sysusers.d/lapor-smsd.conf; do
    check "installed: $f" "$([ -e "$T/root$prefix/$f" ] && echo yes)" yes
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
