#!/usr/bin/env bash
# Training-step throughput of fp32 against bf16 mixed precision (--precision), side by side in one run,
# as a Markdown table. Usage: bench/precision.sh [MODEL_DIR [extra `peft bench` options, e.g. --device cuda]]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-models/bert-en-small}"
shift || true
field() { sed -E "s/.*\"$1\":\"?([^,\"}]*).*/\1/" <<< "$2"; }  # one value of peft bench's JSON line
echo "| method | precision | ms/step | tokens/s | speed-up | peak RSS |"
echo "|---|---|--:|--:|--:|--:|"
for method in full lora houlsby; do
  base=""
  for precision in f32 bf16; do
    line=$(build/peft bench --model "$model" --method "$method" --batch 32 --seq 64 --steps 20 --precision "$precision" "$@")
    rate=$(field tokens_per_second "$line")
    base=${base:-$rate}
    awk -v m="$method" -v p="$precision" -v ms="$(field ms_per_step "$line")" -v r="$rate" -v b="$base" \
        -v rss="$(field peak_rss_bytes "$line")" \
        'BEGIN { printf "| %s | %s | %.0f | %.0f | %.2fx | %.0f MiB |\n", m, p, ms, r, r / b, rss / 1048576 }'
  done
done
