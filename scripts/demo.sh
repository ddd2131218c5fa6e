#!/usr/bin/env bash
# The demo: sets everything up on a fresh Debian machine and runs lapor-smsd's main job on the
# simulated modem: three citizens text 1708 (a single SMS, a long multipart one, and a UCS-2 one
# with an emoji), and each gets its reply with a ticket. Everything lives in a temporary folder
# that is removed at the end: a throwaway PostgreSQL, the modem's folder, the log.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${LAPOR_BUILD:-$here/build}
[ -n "${LAPOR_BUILD:-}" ] || bash "$here/scripts/setup.sh" "$build"
# shellcheck source=../tests/lib/pg.sh
. "$here/tests/lib/pg.sh"

D=$(mktemp -d /tmp/lapor-demo.XXXXXX)
chmod 755 "$D"
daemon=
cleanup() {
    [ -z "$daemon" ] || { kill -TERM "$daemon" 2>/dev/null; wait "$daemon" 2>/dev/null || true; }
    pg_stop || true
    rm -rf "$D"
}
trap cleanup EXIT

echo "== a throwaway PostgreSQL in $D"
pg_start "$D/pg"
mkdir -p "$D/modem"
# The example configuration, pointed at this folder's modem and database. The demo runs as
# whoever starts it (root on a fresh machine, where the lapor-smsd user does not exist yet), so
# it says so: a daemon started as root otherwise becomes the configured user, or refuses to run.
sed -e "s|^\(\s*device\s*=\s*\).*|\1\"$D/modem\";|" \
    -e "s|^database\s*=.*|database = \"$LAPOR_DB_CONNINFO\";|" \
    -e "s|^user\s*=.*|user = \"\";|" -e "s|^allow_root\s*=.*|allow_root = true;|" \
    "$here/conf/lapor-smsd.conf" >"$D/lapor-smsd.conf"
"$build/lapor-smsd" -n -c "$D/lapor-smsd.conf"
"$build/lapor-smsctl" -c "$D/lapor-smsd.conf" migrate

echo "== the daemon, on the simulated modem"
"$build/lapor-smsd" -f -c "$D/lapor-smsd.conf" >"$D/daemon.log" 2>&1 &
daemon=$!

long="Yth. Dinas PU Kabupaten Cianjur, jalan desa Sukamaju kec. Cibeber berlubang sepanjang 2 km \
sejak bulan Januari. Sudah tiga kali warga melapor ke kelurahan tetapi belum ada tindak lanjut. \
Anak sekolah sering jatuh dari motor saat hujan. Mohon segera diperbaiki. Terima kasih."
inject() {
    "$build/lapor-smsctl" -c "$D/lapor-smsd.conf" inject --from "$1" -- "$2"
}
echo "== three citizens text 1708"
inject 081234567801 "Lampu PJU di Jl. Merdeka no. 5 mati sejak seminggu, mohon diperbaiki."
inject "+62 812-3456-7802" "$long"
inject 6281234567803 "Air PDAM keruh 3 hari 😡 “katanya” perbaikan pipa — sampai kapan?"

for _ in $(seq 300); do
    [ "$(pg_psql "SELECT count(*) FROM outbox WHERE status = 'sent'")" = 3 ] && break
    sleep 0.2
done

echo "== what the daemon logged"
cat "$D/daemon.log"
echo "== each SMS, its complaint and the reply that went out"
pg_psql "SELECT format(E'from %s, %s part%s, %s chars: %s\n  ticket #%s, reply %s: %s\n',
                c.sender, n.parts, CASE WHEN n.parts = 1 THEN '' ELSE 's' END,
                length(c.text), c.text, ticket_of(c.id), o.status, o.text)
           FROM complaint c JOIN outbox o ON o.complaint_id = c.id,
                LATERAL (SELECT count(*) AS parts FROM sms_part p WHERE p.sms_in_id = c.sms_in_id) n
          ORDER BY c.id"
sent=$(pg_psql "SELECT count(*) FROM outbox WHERE status = 'sent'")
echo "== $sent of 3 replies sent"
[ "$sent" = 3 ]
