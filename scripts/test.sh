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

# The libFuzzer targets, built with clang on their own: a short run of each in every test run
# (fuzz.join starts a private PostgreSQL of its own, like the integration tests).
cmake -S "$here" -B "$here/build-fuzz" -DCMAKE_C_COMPILER=clang -DLAPOR_FUZZ=ON >/dev/null
cmake --build "$here/build-fuzz" -j"$(nproc)" --target fuzz_pdu fuzz_textcodec fuzz_grammar fuzz_conf \
    fuzz_join >/dev/null

status=0
echo "=== fuzz targets, a short run each ==="
(cd build-fuzz && ctest --output-on-failure -R '^fuzz\.' --timeout 300) || status=1
echo "=== tests, normal build ==="
(cd build && ctest --output-on-failure -j2 --timeout 900) || status=1
echo "=== tests, sanitizer build ==="
(cd build-asan && ctest --output-on-failure -j2 --timeout 900) || status=1
exit $status
