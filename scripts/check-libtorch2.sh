#!/usr/bin/env bash
# Builds peft.cpp and runs its whole test suite against LibTorch 2.x on a machine that has only Debian 12's
# LibTorch 1.13 and no GPU: a Debian 13 root (debootstrap, as root) with its libtorch-dev 2.6, or with
# `cuda`, its libtorch-cuda-dev 2.6 and CUDA 12.4 (the CUDA code paths compile and link; without a GPU the
# CUDA tests report SKIPPED). The working tree is tested as it is, committed or not.
#   scripts/check-libtorch2.sh [cpu|cuda] [ROOT, default /var/tmp/peft-trixie-cpu or -cuda]
# One root per flavour: the two LibTorch packages replace each other, and the CUDA one stays half-configured.
# cuDNN comes from a Debian package that downloads it from NVIDIA at install time, which fails on a machine
# that reaches only Debian's mirror; peft.cpp calls no cuDNN function, so a stub library with the names
# LibTorch links against stands in for it.
set -euo pipefail
flavour=${1:-cpu}
root=${2:-/var/tmp/peft-trixie-$flavour}
[[ $flavour == cpu || $flavour == cuda ]] || { echo "usage: $0 [cpu|cuda] [ROOT]" >&2; exit 2; }
[[ $(id -u) == 0 ]] || { echo "$0: needs root (debootstrap, chroot)" >&2; exit 2; }
cd "$(dirname "$0")/.."
command -v debootstrap >/dev/null || { apt-get update -q && apt-get install -y -q debootstrap; }
[[ -e $root/etc/debian_version ]] ||
  debootstrap --variant=minbase --components=main,contrib,non-free trixie "$root" http://deb.debian.org/debian

for fs in proc dev sys; do
  mountpoint -q "$root/$fs" || { mount --rbind "/$fs" "$root/$fs" && mount --make-rslave "$root/$fs"; }
done
trap 'for fs in proc dev sys; do umount -R "$root/$fs" 2>/dev/null || true; done' EXIT
cp /etc/resolv.conf "$root/etc/"
echo "deb http://deb.debian.org/debian trixie main contrib non-free" > "$root/etc/apt/sources.list"
in_root() { chroot "$root" env DEBIAN_FRONTEND=noninteractive LD_LIBRARY_PATH=/opt/cudnn-stub bash -euo pipefail -c "$1"; }

packages=(build-essential cmake pkg-config nlohmann-json3-dev libcli11-dev libutf8proc-dev libcairo2-dev libgtest-dev
          zlib1g-dev libopenblas0-pthread)
if [[ $flavour == cpu ]]; then
  in_root "apt-get update -q && apt-get install -y -q --no-install-recommends ${packages[*]} libtorch-dev"
else
  # dpkg reports nvidia-cudnn's failed download (and the packages that wait on it), with every file in place.
  in_root "apt-get update -q && apt-get install -y -q --no-install-recommends ${packages[*]} libtorch-cuda-dev \
             nvidia-cuda-toolkit || test -e /usr/lib/x86_64-linux-gnu/libtorch_cuda.so"
  in_root 'mkdir -p /opt/cudnn-stub && cd /opt/cudnn-stub
           nm -D --undefined-only /usr/lib/x86_64-linux-gnu/libtorch_cuda.so |
             sed -n "s/.* \(cudnn[A-Za-z0-9_]*\)@libcudnn.so.9$/int \1(void) { return 1; }/p" | sort -u > stub.c
           echo "libcudnn.so.9 { global: *; };" > stub.map
           gcc -shared -fPIC -Wl,-soname,libcudnn.so.9 -Wl,--version-script=stub.map -o libcudnn.so.9 stub.c'
fi

rm -rf "$root/root/peft" && mkdir -p "$root/root/peft"
git ls-files -z --cached --others --exclude-standard | xargs -0 tar c | tar x -C "$root/root/peft"
in_root "cd /root/peft && cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXE_LINKER_FLAGS=-Wl,-rpath-link,/opt/cudnn-stub
         cmake --build build -j$(nproc) && ctest --test-dir build -j$(nproc) --output-on-failure"
version=$(awk '/define TORCH_VERSION_(MAJOR|MINOR|PATCH)/ { v = v (v ? "." : "") $3 } END { print v }' \
          "$root/usr/include/torch/csrc/api/include/torch/version.h")
echo "LibTorch $version ($flavour): built, and the test suite passed"
