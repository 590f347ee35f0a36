#!/usr/bin/env bash
# Copies what a machine without Debian's -dev packages lacks (the header-only nlohmann-json and CLI11,
# utf8proc's and zlib's headers and static libraries, their CMake files) into one prefix, by default .deps/, for
# `cmake -DCMAKE_PREFIX_PATH=<prefix>`: e.g. the CUDA machine, see scripts/build-cuda.sh. Cairo stays
# behind: such a build draws no PNG plots.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.deps}"
lib="/usr/lib/$(gcc -print-multiarch)"
rm -rf "$out"
mkdir -p "$out/include" "$out/lib" "$out/share/cmake"
cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/utf8proc.h /usr/include/zlib.h /usr/include/zconf.h "$out/include/"
cp "$lib/libutf8proc.a" "$lib/libz.a" "$out/lib/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$out/share/cmake/"
du -sh "$out"
