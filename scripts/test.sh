#!/usr/bin/env bash
# The whole test suite from a fresh machine: install what is missing, build, run every test with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
