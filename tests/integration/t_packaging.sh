#!/usr/bin/env bash
# What gets installed is sound. First, without root: the systemd unit passes systemd-analyze
# verify and `cmake --install` puts everything in its usual place. Then, as root (CI runs on a
# throwaway machine): the Debian package is built, installed with dpkg, every path checked with
# its owner and mode, the installed unit verified, the installed configuration checked with -n,
# the daemon started as the installed user on the dummy modem against a throwaway PostgreSQL
# until a sample SMS gets its reply, and the package purged.
set -euo pipefail
LAPOR_SRC=${LAPOR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LAPOR_BIN=${LAPOR_BIN:-$LAPOR_SRC/build}
T=$(mktemp -d /tmp/lapor-pkg.XXXXXX)
chmod 755 "$T"
DAEMON_PID=
cleanup() {
    [ -n "$DAEMON_PID" ] && kill -KILL "$DAEMON_PID" 2>/dev/null
    [ -n "${PG_DIR:-}" ] && pg_stop immediate
    [ -n "${INSTALLED:-}" ] && dpkg --purge lapor-smsd >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
# shellcheck source=../lib/check.sh
. "$LAPOR_SRC/tests/lib/check.sh"
# verify_unit UNIT_FILE: systemd-analyze's complaints about it (none is good).
verify_unit() { systemd-analyze verify --man=no "$1" 2>&1 || true; }

if command -v systemd-analyze >/dev/null; then
    # The unit as configured, but pointing at this build's daemon, which exists.
    sed "s|^ExecStart=[^ ]*lapor-smsd |ExecStart=$LAPOR_BIN/lapor-smsd |" \
        "$LAPOR_BIN/conf/lapor-smsd@.service" >"$T/lapor-smsd@.service"
    check "systemd-analyze verify finds nothing to say" "$(verify_unit "$T/lapor-smsd@.service")" ""
    check "the unit is Type=notify with a watchdog" \
        "$(grep -cE '^(Type=notify|WatchdogSec=|Restart=on-failure)' "$T/lapor-smsd@.service")" 3
else
    echo "systemd-analyze is absent: the unit is not verified"
fi
# A staged install, as a package build does it: everything under DESTDIR, at the configured
# places, and the unit, the programs and the sysusers file agree on them.
DESTDIR="$T/root" cmake --install "$LAPOR_BIN" >/dev/null
cache() { sed -n "s/^$1:[A-Z]*=//p" "$LAPOR_BIN/CMakeCache.txt"; }
prefix=$(cache CMAKE_INSTALL_PREFIX)
confdir=$prefix/etc/lapor-smsd
[ "$prefix" = /usr ] && confdir=/etc/lapor-smsd
for f in "$prefix/sbin/lapor-smsd" "$prefix/sbin/lapor-smsctl" "$confdir/lapor-smsd.conf" \
    "$prefix/share/lapor-smsd/sql/001_baseline.sql" \
    "$prefix/share/man/man8/lapor-smsd.8" "$prefix/share/man/man8/lapor-smsctl.8" \
    "$prefix/share/man/man5/lapor-smsd.conf.5" "$prefix/share/man/man7/lapor-smsd-webhook.7" \
    "$(cache LAPOR_SYSTEMD_UNIT_DIR)/lapor-smsd@.service" \
    "$(cache LAPOR_SYSUSERS_DIR)/lapor-smsd.conf" "$(cache LAPOR_TMPFILES_DIR)/lapor-smsd.conf"; do
    check "installed: $f" "$([ -e "$T/root$f" ] && echo yes)" yes
done
check "the unit starts the installed daemon with the installed configuration" \
    "$(grep '^ExecStart=' "$T/root$(cache LAPOR_SYSTEMD_UNIT_DIR)/lapor-smsd@.service")" \
    "ExecStart=$prefix/sbin/lapor-smsd -f -c $confdir/%i.conf"
for program in lapor-smsd lapor-smsctl; do
    check "$program reads the installed configuration by default" \
        "$("$T/root$prefix/sbin/$program" -h | grep -c "$confdir/lapor-smsd.conf")" 1
done

if [ "$(id -u)" -ne 0 ] || ! command -v dpkg-buildpackage >/dev/null; then
    echo "the Debian package is not built: that needs root and dpkg-buildpackage (CI has both)"
    finish || exit 1
    exit 77
fi
. "$LAPOR_SRC/tests/lib/pg.sh"
# One package test at a time on this machine: they install the same package.
exec 9>/tmp/lapor-smsd-package-test.lock
flock -w 600 9 || { echo "another package test holds the lock"; exit 1; }
if dpkg-query -W -f='${Status}' lapor-smsd 2>/dev/null | grep -q "ok installed"; then
    echo "lapor-smsd is installed on this machine already: not touching it"
    exit 77
fi

echo "--- building the package"
mkdir "$T/src"
# The sources only: no build folders, no git data.
tar -C "$LAPOR_SRC" --exclude='./build*' --exclude=./.git --exclude='./obj-*' -cf - . |
    tar -C "$T/src" -xf -
(cd "$T/src" && DEB_BUILD_OPTIONS="nocheck noddebs parallel=$(nproc)" \
    dpkg-buildpackage -b -us -uc >"$T/build.log" 2>&1) || { tail -30 "$T/build.log"; exit 1; }
deb=$(ls "$T"/lapor-smsd_*.deb)
check "the package's version is the project's" \
    "$(dpkg-deb -f "$deb" Version)" "$(cache CMAKE_PROJECT_VERSION)"
# What Debian's archive checks before it takes a package: no error, no warning.
check "lintian finds nothing in the package" \
    "$(lintian --no-cfg "$deb" 2>&1 | grep -v 'running with root privileges')" ""

echo "--- installing it"
dpkg -i "$deb" >"$T/install.log" 2>&1 || { cat "$T/install.log"; exit 1; }
INSTALLED=1
# stat_of PATH: owner:group mode.
stat_of() { stat -c '%U:%G %a' "$1" 2>&1; }
check "lapor-smsd is a root program" "$(stat_of /usr/sbin/lapor-smsd)" "root:root 755"
check "lapor-smsctl is a root program" "$(stat_of /usr/sbin/lapor-smsctl)" "root:root 755"
for page in man8/lapor-smsd.8 man8/lapor-smsctl.8 man5/lapor-smsd.conf.5 man7/lapor-smsd-webhook.7; do
    check "manual page $page" "$(stat_of "/usr/share/man/$page.gz")" "root:root 644"
done
check "the unit" "$(stat_of /lib/systemd/system/lapor-smsd@.service)" "root:root 644"
check "the sysusers file" "$(stat_of /usr/lib/sysusers.d/lapor-smsd.conf)" "root:root 644"
check "the tmpfiles file" "$(stat_of /usr/lib/tmpfiles.d/lapor-smsd.conf)" "root:root 644"
check "the system user, at home in the state directory" \
    "$(getent passwd lapor-smsd | cut -d: -f6,7)" "/var/lib/lapor-smsd:/usr/sbin/nologin"
check "the user is a system user" "$([ "$(id -u lapor-smsd)" -lt 1000 ] && echo yes)" yes
check "the configuration: root's, readable by the daemon's group only" \
    "$(stat_of /etc/lapor-smsd/lapor-smsd.conf)" "root:lapor-smsd 640"
check "the configuration is a conffile" \
    "$(dpkg-query -W -f='${Conffiles}' lapor-smsd | awk '{print $1}')" /etc/lapor-smsd/lapor-smsd.conf
check "the state directory is the daemon's" "$(stat_of /var/lib/lapor-smsd)" \
    "lapor-smsd:lapor-smsd 750"
check "the dummy modem's folder is the daemon's" "$(stat_of /var/lib/lapor-smsd/dummy)" \
    "lapor-smsd:lapor-smsd 750"
check "the installed unit passes systemd-analyze verify" \
    "$(verify_unit /lib/systemd/system/lapor-smsd@.service)" ""
check "lapor-smsd -n passes on the installed configuration" \
    "$(lapor-smsd -n 2>&1)" "/etc/lapor-smsd/lapor-smsd.conf: configuration OK"
check "and as the daemon's user" \
    "$(runuser -u lapor-smsd -- lapor-smsd -n 2>&1)" "/etc/lapor-smsd/lapor-smsd.conf: configuration OK"

echo "--- the installed daemon, as its user, on the dummy modem"
# The README's database steps: the schema migrated by its owner (here the superuser, who cannot
# read the configuration: --database needs none), and the daemon's login role, named as its user,
# in lapor_daemon. The daemon and the tool then log in under their system user's name, as with
# peer authentication.
pg_start "$T/pg" 9>&-
runuser -u postgres -- /usr/sbin/lapor-smsctl migrate --database "$LAPOR_DB_CONNINFO" >/dev/null
pg_psql 'CREATE ROLE "lapor-smsd" LOGIN IN ROLE lapor_daemon'
# The installed example, with only the database's place changed, readable as the installed one is.
conf=$T/lapor-smsd.conf
sed "s|^database = .*|database = \"host=$PGHOST port=$PGPORT dbname=$PGDATABASE\";|; s|^poll_interval = .*|poll_interval = 0.2;|" \
    /etc/lapor-smsd/lapor-smsd.conf >"$conf"
chgrp lapor-smsd "$conf" && chmod 640 "$conf"
# As the installed user, without this test's PostgreSQL settings. env and setpriv each execute
# the next program in their place (as systemd's User= and Group= do), so $! is the daemon's.
as_daemon_user=(env -u PGUSER -u PGHOST -u PGPORT -u PGDATABASE
    setpriv --reuid=lapor-smsd --regid=lapor-smsd --init-groups)
"${as_daemon_user[@]}" /usr/sbin/lapor-smsd -f -c "$conf" >"$T/daemon.log" 2>&1 9>&- &
DAEMON_PID=$!
"${as_daemon_user[@]}" /usr/sbin/lapor-smsctl -c "$conf" inject --from 081234567890 \
    "Jalan di depan pasar rusak parah" >/dev/null
replied=no
for _ in $(seq 150); do
    if [ "$(pg_psql "SELECT count(*) FROM outbox WHERE status = 'sent'")" = 1 ]; then
        replied=yes
        break
    fi
    sleep 0.2
done
check "the sample SMS got its reply" "$replied" yes
check "the daemon runs as the installed user" "$(ps -o user= -p "$DAEMON_PID")" lapor-smsd
check "the installed user's lapor-smsctl shows the reply, as the README says" \
    "$("${as_daemon_user[@]}" /usr/sbin/lapor-smsctl -c "$conf" outbox list --status sent |
        grep -c ' received .* sent ')" 1
check "... and the modem in its status" \
    "$("${as_daemon_user[@]}" /usr/sbin/lapor-smsctl -c "$conf" status | grep -c '^dummy-1 ')" 1
kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID" || true
DAEMON_PID=
check "the daemon logged no error" "$(grep -c ' error: ' "$T/daemon.log" || true)" 0
[ "$replied" = yes ] || cat "$T/daemon.log"

echo "--- purging it"
dpkg --purge lapor-smsd >"$T/purge.log" 2>&1 || cat "$T/purge.log"
INSTALLED=
check "purged: the programs are gone" "$([ -e /usr/sbin/lapor-smsd ] && echo there || echo gone)" gone
check "purged: the configuration is gone" "$([ -e /etc/lapor-smsd ] && echo there || echo gone)" gone
check "purged: the state is gone" "$([ -e /var/lib/lapor-smsd ] && echo there || echo gone)" gone
finish
