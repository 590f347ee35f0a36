#!/usr/bin/env bash
# The demo's method settings (scripts/demo-methods.sh) all have a step count, parse and train: two steps of
# each on the tiny fixture model, so a renamed option fails here and not 10 minutes into the demo.
# Usage: demo-settings.sh PEFT
set -euo pipefail
set -o noglob  # the options hold JSON lists
peft=$1
cd "$(dirname "$0")/.."
source scripts/demo-methods.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'sentence\tlabel\nthe fox is a small wild animal\tanimal\ncomputers are fast\ttech\n' >"$tmp/train.tsv"
for method in "${!options[@]}"; do
  [[ -v "steps[$method]" ]] || { echo "demo setting '$method' has no steps (scripts/demo-methods.sh)"; exit 1; }
  # shellcheck disable=SC2086  # the options are words
  "$peft" train --model tests/fixtures/bert_cls/model ${options[$method]} --train "$tmp/train.tsv" \
    --max-steps 2 --threads 1 --quiet --out "$tmp/$method" >/dev/null 2>"$tmp/err" ||
    { echo "demo setting '$method' fails: $(tail -1 "$tmp/err")"; exit 1; }
  echo "$method: ok"
done
