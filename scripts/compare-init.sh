#!/usr/bin/env bash
# What pretraining adds: fine-tunes the shipped model and a randomly initialised copy of it (same shape,
# vocabulary and training) on each of the five tasks, and tables the two side by side per task
# (runs/compare-init/table.md). Needs a build (scripts/build.sh) and the tasks (peft tasks build).
# PEFT_MODEL=DIR compares another model; PEFT_COMPARE_STEPS changes the training length.
set -euo pipefail
cd "$(dirname "$0")/.."

model="${PEFT_MODEL:-models/bert-en-small}"
steps="${PEFT_COMPARE_STEPS:-600}"
out=runs/compare-init
tasks=data/tasks
[[ -f $tasks/tasks.json ]] || build/peft tasks build --out "$tasks" >/dev/null

table="# Pretrained vs randomly initialised: full fine-tuning, $steps steps per run ($model)"$'\n'
for task in topic fortune pair similarity tagging; do
  ext=tsv
  [[ $task == tagging ]] && ext=conll
  for init in pretrained random; do
    flag=()
    [[ $init == random ]] && flag=(--random-init)
    echo "== $task, $init"
    build/peft train --model "$model" --method full --lr 5e-4 --precision auto "${flag[@]}" \
      --train "$tasks/$task/train.$ext" --dev "$tasks/$task/dev.$ext" --test "$tasks/$task/test.$ext" \
      --max-length 64 --batch-size 32 --group-by-length --max-steps "$steps" --eval-every $((steps / 6)) \
      --out "$out/$task/$init" >/dev/null
  done
  table+=$'\n'"## $task"$'\n\n'"$(build/peft report "$out/$task/pretrained" "$out/$task/random" --baseline pretrained)"$'\n'
done
mkdir -p "$out"
printf '%s' "$table" >"$out/table.md"
cat "$out/table.md"
