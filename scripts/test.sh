#!/usr/bin/env bash
# Runs every test: installs what is missing, builds the normal and the sanitizer (ASan+UBSan)
# builds, and runs the unit and integration tests in both. Each integration test starts its own
# private PostgreSQL in a temporary folder.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

bash scripts/setup.sh "$here/build"
bash scripts/setup.sh "$here/build-asan" -DLAPOR_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug

# libGammu itself is not built with the sanitizers; the leaks it keeps until exit are not ours.
export LSAN_OPTIONS="suppressions=$here/tests/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

status=0
echo "=== tests, normal build ==="
(cd build && ctest --output-on-failure -j2 --timeout 900) || status=1
echo "=== tests, sanitizer build ==="
(cd build-asan && ctest --output-on-failure -j2 --timeout 900) || status=1
exit $status
