#!/usr/bin/env bash
# Builds peft and its tests into build-cuda/ against the LibTorch 2.x (CUDA) of python3's torch, on a
# machine with no Debian -dev packages: run scripts/gather-deps.sh where they are installed and bring its
# .deps/ along. The carried GoogleTest is Debian's, built for the C++11 std::string ABI: under a torch
# built for the old one the tests are left out. scripts/device-check.sh builds, tests and measures in one go.
set -euo pipefail
cd "$(dirname "$0")/.."
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
options=(-DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=$PWD/.deps;$torch_prefix")
command -v ninja > /dev/null && options+=(-G Ninja)
gtest_dir=$(find "$PWD/.deps/lib" -path '*/cmake/GTest' -type d 2>/dev/null | head -1)
if [[ $(python3 -c 'import torch; print(int(torch.compiled_with_cxx11_abi()))') == 1 && -n $gtest_dir ]]; then
  options+=("-DGTest_DIR=$gtest_dir")
else
  options+=(-DPEFT_BUILD_TESTS=OFF)
fi
cmake -S . -B build-cuda "${options[@]}"
cmake --build build-cuda -j "$(nproc)"
