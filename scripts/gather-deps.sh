#!/usr/bin/env bash
# Copies what a machine without Debian's -dev packages lacks (the header-only nlohmann-json and CLI11,
# utf8proc's and zlib's headers and static libraries, GoogleTest's, their CMake files) into one prefix, by
# default .deps/, for `cmake -DCMAKE_PREFIX_PATH=<prefix>`: e.g. the CUDA machine, see scripts/build-cuda.sh.
# Cairo stays behind: such a build draws no PNG plots.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.deps}"
lib="/usr/lib/$(gcc -print-multiarch)"
rm -rf "$out"
mkdir -p "$out/include" "$out/lib" "$out/share/cmake"
cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/utf8proc.h /usr/include/zlib.h /usr/include/zconf.h /usr/include/xxhash.h "$out/include/"
cp "$lib/libutf8proc.a" "$lib/libz.a" "$out/lib/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$out/share/cmake/"
# GoogleTest keeps Debian's multiarch layout: its CMake files find the libraries four folders up.
arch="$out/lib/$(gcc -print-multiarch)"
mkdir -p "$arch/cmake"
cp -r /usr/include/gtest /usr/include/gmock "$out/include/"
cp "$lib"/libgtest.a "$lib"/libgtest_main.a "$lib"/libgmock.a "$lib"/libgmock_main.a "$arch/"
cp -r "$lib/cmake/GTest" "$arch/cmake/"
du -sh "$out"
