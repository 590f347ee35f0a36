#!/usr/bin/env bash
# Configures and builds peft.cpp into build/ (Release, all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
