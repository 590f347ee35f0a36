#!/usr/bin/env bash
# Installs the Debian 12 packages peft.cpp builds and runs with (as root, or through sudo), skipping
# the apt run when everything is already there.
set -euo pipefail
packages=(build-essential cmake pkg-config ccache libtorch-dev libopenblas0-pthread nlohmann-json3-dev libcli11-dev
          libutf8proc-dev libxxhash-dev libcairo2-dev libgtest-dev zlib1g-dev wordnet-base fortunes fortunes-min dict-gcide)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
