#!/usr/bin/env bash
# Installs what lapor-smsd needs on Debian 12 and builds it. Safe to run again: packages already
# there are not reinstalled, and the build is incremental.
#
#   scripts/setup.sh [BUILD_DIR [extra cmake arguments...]]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true

packages=(build-essential cmake pkg-config libgammu-dev libpq-dev libconfig-dev libcmocka-dev
          libcurl4-openssl-dev libssl-dev ca-certificates openssl
          postgresql postgresql-client python3 man-db clang debhelper dpkg-dev mandoc
          prometheus  # promtool checks the alert rules in monitoring/
          lintian     # Debian's own checks of the package
          universal-ctags # t_layout's listing of the functions
          cppcheck)       # t_static
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "setup: missing packages: ${missing[*]} (run as root, or install them)" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >/dev/null
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
    # Debian starts a cluster of its own on installation; ours are private, so leave it be.
fi

cmake -S "$here" -B "$build" "$@" >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
echo "setup: built in $build" >&2
