#!/usr/bin/env bash
# Builds peft against the LibTorch 2.x (CUDA) of python3's torch, on a machine with no Debian -dev packages:
# run scripts/gather-deps.sh where they are installed and bring its .deps/ along. GoogleTest is usually
# absent there, so the tests are skipped; the smoke check is a short LoRA training step benchmark on cuda.
set -euo pipefail
cd "$(dirname "$0")/.."
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)
cmake -S . -B build-cuda "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PWD/.deps;$torch_prefix"
cmake --build build-cuda -j "$(nproc)"
