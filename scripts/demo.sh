#!/usr/bin/env bash
# The main job from a fresh machine: install what is missing, build, build the five tasks from Debian
# packages, then fine-tune full, BitFit, LoRA, Houlsby and Pfeiffer on the topic task over the shipped
# model and compare them: a table (runs/demo/table.md) and a plot (runs/demo/figure.png).
# PEFT_MODEL=DIR runs it on another HF BERT/RoBERTa directory; PEFT_DEMO_STEPS changes the training length.
set -euo pipefail
set -o noglob  # the options below hold JSON lists, not file patterns
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh

model="${PEFT_MODEL:-models/bert-en-small}"
steps="${PEFT_DEMO_STEPS:-1500}"
out=runs/demo
task=data/tasks/topic
build/peft tasks build --out data/tasks >/dev/null

# Learning rates and sizes picked on the dev set in short runs over the shipped model (see its README).
# LoRA: r=8 on every linear layer and r=4 on the word embeddings with alpha 1, not 8: an embedding's B
# starts at N(0, 1) (HF's init), so at the linear layers' scale each Adam step moves a token's row far more.
declare -A options=(
  [full]="--method full --lr 5e-4"
  [bitfit]="--method bitfit --lr 1e-2"
  [lora]="--method lora --lr 2e-3 --set r=8 --set lora_alpha=8 --set target_modules=[\"query\",\"key\",\"value\",\"dense\",\"word_embeddings\"] --set rank_pattern={\"word_embeddings\":4} --set alpha_pattern={\"word_embeddings\":1}"
  [houlsby]="--method houlsby --lr 2e-3 --set bottleneck=32"
  [pfeiffer]="--method pfeiffer --lr 5e-3 --set bottleneck=64 --set init_weights=mam_adapter"
)
methods=(full bitfit lora houlsby pfeiffer)
for run in "${methods[@]}"; do
  echo "== $run: $steps steps on $task"
  # shellcheck disable=SC2086  # the options are words
  build/peft train --model "$model" ${options[$run]} --precision auto \
    --train "$task/train.tsv" --dev "$task/dev.tsv" --test "$task/test.tsv" \
    --max-length 64 --batch-size 32 --group-by-length --max-steps "$steps" --eval-every $((steps / 4)) \
    --out "$out/$run" >/dev/null
done
echo
build/peft report "${methods[@]/#/$out/}" --out "$out/table.md" --plot "$out/figure.png" \
  --title "topic (WordNet gloss -> 26 categories): test accuracy vs trained parameters"
echo "table: $out/table.md  plot: $out/figure.png"
