#!/usr/bin/env bash
# The main job from a fresh machine: install what is missing, build, build the five tasks from Debian
# packages, then fine-tune full, BitFit, LoRA, Houlsby and Pfeiffer on the topic task over the shipped
# model and compare them: a table (runs/demo/table.md) and a plot (runs/demo/figure.png).
# PEFT_MODEL=DIR runs it on another HF BERT/RoBERTa directory; PEFT_DEMO_STEPS=N trains every method N steps
# (by default each its own, from scripts/demo-methods.sh);
# PEFT_DEMO_METHODS="full houlsby houlsby+lora" picks the methods (any of scripts/demo-methods.sh);
# PEFT_PRECISION=f32|bf16 overrides --precision auto;
# PEFT_DEMO_SEEDS="42 43 44" repeats every method with each seed (runs/demo/seed<N>/<method>) and reports
# each method's mean ± sd.
set -euo pipefail
set -o noglob  # the options below hold JSON lists, not file patterns
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

model="${PEFT_MODEL:-models/bert-en-small}"
read -ra seeds <<<"${PEFT_DEMO_SEEDS:-42}"
out=runs/demo
task=data/tasks/topic
build/peft tasks build --out data/tasks >/dev/null

source scripts/demo-methods.sh  # options[method] and steps[method]: the settings picked on dev
read -ra methods <<<"${PEFT_DEMO_METHODS:-full bitfit lora houlsby pfeiffer}"
for method in "${methods[@]}"; do
  [[ -v "options[$method]" ]] || { echo "PEFT_DEMO_METHODS: unknown method '$method' (known: ${!options[*]})"; exit 1; }
done
started=()  # longest first: on two lanes the five default runs then end within a minute of each other
for method in houlsby+lora houlsby full lora bitfit pfeiffer; do
  [[ " ${methods[*]} " == *" $method "* ]] && started+=("$method")
done
for method in "${methods[@]}"; do  # the rest (scripts/demo-methods.sh's adapter family) after them
  [[ " ${started[*]} " == *" $method "* ]] || started+=("$method")
done
runs=() reported=()  # run directories under $out, in start order and in table order
declare -A seed_of=()
for seed in "${seeds[@]}"; do
  dir=""
  (( ${#seeds[@]} > 1 )) && dir="seed$seed/"
  for method in "${started[@]}"; do runs+=("$dir$method") && seed_of[$dir$method]=$seed; done
  reported+=("${methods[@]/#/$dir}")
done

# Small models scale poorly across threads, so the runs share the cores as parallel one-thread lanes.
lanes=$(nproc)
(( lanes > ${#runs[@]} )) && lanes=${#runs[@]}
threads=$(( $(nproc) / lanes ))

train() {  # one run, [seed<N>/]<method>; its progress goes to runs/demo/<run>.log
  local method=${1##*/}
  local n=${PEFT_DEMO_STEPS:-${steps[$method]}}
  mkdir -p "$(dirname "$out/$1")"
  # shellcheck disable=SC2086  # the options are words
  build/peft train --model "$model" ${options[$method]} --precision "${PEFT_PRECISION:-auto}" \
    --threads "$threads" --seed "${seed_of[$1]}" \
    --train "$task/train.tsv" --dev "$task/dev.tsv" --test "$task/test.tsv" \
    --max-length 64 --group-by-length --max-steps "$n" --eval-every $((n / 2)) \
    --out "$out/$1" >"$out/$1.log" 2>&1 || { echo "$1 failed; its log ($out/$1.log) ends:"; tail -5 "$out/$1.log"; return 1; }
}

progress() {  # one line: time so far, runs done, and where each running one is
  local line="" run state done=0 waiting=0
  for run in "${runs[@]}"; do
    if [[ -e "$out/$run/metrics.json" ]]; then (( ++done ))
    elif [[ -e "$out/$run.log" ]]; then
      state=$(grep -o 'step [0-9]*/[0-9]*\|ETA [0-9:]*' "$out/$run.log" | tail -2 | paste -sd' ' || true)
      line+=" | $run ${state:-starting}"
    else (( ++waiting )); fi
  done
  (( waiting )) && line+=" | $waiting waiting"
  printf '[%d:%02d] %d/%d done%s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$done" "${#runs[@]}" "$line"
}

ticks=0
wait_for_lane() {  # until fewer than $1 runs are going; progress every 10 s
  while (( $(jobs -rp | wc -l) >= $1 )); do sleep 1; (( ++ticks % 10 )) || progress; done
}

echo "training ${methods[*]} on $task (seed ${seeds[*]}): ${PEFT_DEMO_STEPS:-its own number of} steps each," \
  "$lanes at a time ($threads thread(s) each)"
for run in "${runs[@]}"; do rm -rf "${out:?}/$run" "$out/$run.log"; done
pids=()
for run in "${runs[@]}"; do
  wait_for_lane "$lanes"
  train "$run" & pids+=($!)
done
wait_for_lane 1
progress
for pid in "${pids[@]}"; do wait "$pid"; done  # set -e: a failed run (its log tail shown) ends the job
echo
build/peft report "${reported[@]/#/$out/}" --out "$out/table.md" --plot "$out/figure.png" \
  --title "topic (WordNet gloss -> 26 categories): test accuracy vs trained parameters"
echo "table: $out/table.md  plot: $out/figure.png"
