#!/usr/bin/env bash
# CPU speed, side by side in one run on this machine (Markdown tables on stdout):
#   1. the training step of peft.cpp in f32 and in bf16 autocast, and of the same step in eager PyTorch
#      (bench/torch_cpu_peer.py, where Debian's python3-torch is installed), for two shapes and three
#      methods: medians of interleaved repeats, and what --precision auto picks here;
#   2. inference (forward only) per method against the base alone, unmerged and merged;
#   3. where the time of one LoRA training step goes (peft bench --profile), in f32 and bf16.
# Usage: scripts/bench-cpu.sh [REPEATS] (default 3). Takes about 15 minutes on 2 cores.
set -euo pipefail
set -o noglob  # method options hold JSON lists
cd "$(dirname "$0")/.."
repeats=${1:-3}
peft=build/peft
[[ -x $peft ]] || scripts/build.sh
threads=$(nproc)
export GOMP_SPINCOUNT=${GOMP_SPINCOUNT:-10000}  # what peft sets for itself, so the peer runs alike
python=/usr/bin/python3  # Debian's, with python3-torch; not a virtual environment's
[[ -x $python ]] || python=python3
has_peer=false
"$python" -c "import torch" 2>/dev/null && has_peer=true

field() { "$python" -c "import json,sys; d=json.loads(sys.argv[1]); print(eval(sys.argv[2], {}, {'d': d}))" "$1" "$2"; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

declare -A method_options=(
  [full]="--method full"
  [lora]="--method lora --set r=8 --set lora_alpha=16 --set target_modules=[\"query\",\"value\"]"
  [houlsby]="--method houlsby --set bottleneck=64"
)
declare -A method_label=([full]="full" [lora]="LoRA r8 q,v" [houlsby]="Houlsby m64")
shapes=(small big)
declare -A shape_model=([small]="--model models/bert-en-small" [big]="--config bench/bert-8x512.json")
declare -A shape_peer_config=([small]=models/bert-en-small/config.json [big]=bench/bert-8x512.json)
declare -A shape_size=([small]="32 64 20" [big]="16 128 10")  # batch, tokens, timed steps
declare -A shape_label=([small]="shipped model (4×256), batch 32 × 64" [big]="8×512, 30k vocab, batch 16 × 128")
declare -A shape_methods=([small]="full lora houlsby" [big]="full lora")

peft_ms() {  # shape method precision
  read -r batch seq steps <<<"${shape_size[$1]}"
  # shellcheck disable=SC2086  # options are words
  field "$($peft bench ${shape_model[$1]} ${method_options[$2]} --batch-size "$batch" --seq "$seq" --steps "$steps" \
    --precision "$3" --threads "$threads" 2>/dev/null)" "d['ms_per_step']"
}
peer_ms() {  # shape method
  read -r batch seq steps <<<"${shape_size[$1]}"
  field "$("$python" bench/torch_cpu_peer.py "${shape_peer_config[$1]}" "$2" "$batch" "$seq" "$steps" "$threads")" \
    "d['ms_per_step']"
}

echo "## Training step ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $threads threads," \
  "median of $repeats interleaved runs)"
echo
declare -A times=()
for ((r = 0; r < repeats; ++r)); do
  for shape in "${shapes[@]}"; do
    for method in ${shape_methods[$shape]}; do
      times[$shape/$method/f32]+="$(peft_ms "$shape" "$method" f32) "
      times[$shape/$method/bf16]+="$(peft_ms "$shape" "$method" bf16) "
      if $has_peer; then times[$shape/$method/peer]+="$(peer_ms "$shape" "$method") "; fi
    done
  done
done
echo "| shape | method | peft.cpp f32 | eager peer f32 | peft.cpp bf16 | bf16 speed-up | --precision auto |"
echo "|---|---|--:|--:|--:|--:|---|"
for shape in "${shapes[@]}"; do
  # shellcheck disable=SC2086
  auto=$(field "$($peft bench ${shape_model[$shape]} --method lora --batch-size 2 --seq 16 --steps 1 \
    --threads "$threads" 2>/dev/null)" "d['precision'] + ' (' + d['precision_choice'] + ')'")
  label=${shape_label[$shape]}
  for method in ${shape_methods[$shape]}; do
    # shellcheck disable=SC2086
    f32=$(median ${times[$shape/$method/f32]}) bf16=$(median ${times[$shape/$method/bf16]})
    peer="—"
    # shellcheck disable=SC2086
    if $has_peer; then peer=$(printf '%.0f ms' "$(median ${times[$shape/$method/peer]})"); fi
    printf '| %s | %s | %.0f ms | %s | %.0f ms | %.2fx | %s |\n' "$label" "${method_label[$method]}" "$f32" "$peer" \
      "$bf16" "$(awk -v a="$f32" -v b="$bf16" 'BEGIN { print a / b }')" "$auto"
    label="" auto=""
  done
done
if ! $has_peer; then echo && echo "(no eager peer: Debian's python3-torch is not installed)"; fi

echo
echo "## Inference (forward only, no autograd state; shipped model, batch 64 × 54, --precision auto)"
echo
echo "| method | base seq/s | unmerged seq/s | time vs base | merged seq/s | time vs base |"
echo "|---|--:|--:|--:|--:|--:|"
declare -A inference_options=(
  [lora]="${method_options[lora]}" [houlsby]="${method_options[houlsby]}"
  [pfeiffer]="--method pfeiffer --set bottleneck=64" [bitfit]="--method bitfit"
  [prefix_tuning]="--method prefix_tuning --set num_virtual_tokens=10"
  [prompt_tuning]="--method prompt_tuning --set num_virtual_tokens=10"
)
for method in lora houlsby pfeiffer bitfit prefix_tuning prompt_tuning; do
  # shellcheck disable=SC2086
  line=$($peft bench --model models/bert-en-small ${inference_options[$method]} --inference --batch-size 64 \
    --seq 54 --steps 10 --threads "$threads" 2>/dev/null)
  field "$line" "'| $method | %.0f | %.0f | %.3f | %s | %s |' % (d['base']['sequences_per_second'],
    d['unmerged']['sequences_per_second'], d['unmerged']['time_vs_base'],
    '%.0f' % d['merged']['sequences_per_second'] if 'merged' in d else '—',
    '%.3f' % d['merged']['time_vs_base'] if 'merged' in d else '—')"
done
echo
echo "(54 input tokens, so virtual tokens fit in the shipped model's 64 positions)"

for precision in bf16 f32; do
  echo
  echo "## Where a LoRA training step's time goes ($precision, shipped model, batch 32 × 64)"
  echo
  echo '```'
  # shellcheck disable=SC2086
  $peft bench --model models/bert-en-small ${method_options[lora]} --batch-size 32 --seq 64 --steps 10 --profile \
    --precision "$precision" --threads "$threads" 2>&1 >/dev/null | grep -v '^precision '
  echo '```'
done
