#!/usr/bin/env bash
# Reproduces the shipped default model models/bert-en-small in four phases:
#   1. the corpus from Debian's WordNet and fortune packages, an 8k WordPiece vocabulary, then 2000 steps of
#      masked-LM pretraining of a 4-layer, 256-wide BERT (fp32, about 60 minutes on 2 CPU cores);
#   2. the corpus again with the GCIDE dictionary (dict-gcide) added, and 14000 more steps from phase 1's
#      model with its vocabulary (bf16 mixed precision, about 70 minutes on 2 AVX512-BF16 cores);
#   3. 6000 more steps from phase 2's model on the same corpus at half the peak learning rate (bf16, about
#      45 minutes);
#   4. 12000 more steps from phase 3's model, the same way with a new seed (bf16, about 65 minutes).
# Work files go to runs/pretrain-default; the model to $1 (default: the shipped directory, whose README.md is
# kept). Each phase resumes from its checkpoint when run again.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/bert-en-small}"
work=runs/pretrain-default
mkdir -p "$work"
build/peft corpus --gcide '' --out "$work/corpus.txt"
build/peft vocab --corpus "$work/corpus.txt" --size 8192 --out "$work/vocab"
build/peft pretrain --corpus "$work/corpus.txt" --vocab "$work/vocab" --out "$work/model" --resume \
  --hidden 256 --layers 4 --heads 4 --intermediate 1024 --max-length 64 --batch-size 64 --steps 2000 \
  --lr 1e-3 --warmup-ratio 0.05 --eval-every 200 --eval-sequences 0 --checkpoint-every 200 --dtype f16 \
  --precision f32 --threads 1 --seed 42

build/peft corpus --out "$work/corpus-gcide.txt"
build/peft pretrain --init "$work/model" --corpus "$work/corpus-gcide.txt" --out "$work/model-2" --resume \
  --max-length 64 --batch-size 64 --steps 14000 --lr 1e-3 --warmup-ratio 0.02 --eval-every 1000 \
  --eval-sequences 0 --checkpoint-every 500 --dtype f16 --precision bf16 --threads 2 --seed 42
build/peft pretrain --init "$work/model-2" --corpus "$work/corpus-gcide.txt" --out "$work/model-3" --resume \
  --max-length 64 --batch-size 64 --steps 6000 --lr 5e-4 --warmup-ratio 0.02 --eval-every 1000 \
  --eval-sequences 0 --checkpoint-every 500 --dtype f16 --precision bf16 --threads 2 --seed 43
build/peft pretrain --init "$work/model-3" --corpus "$work/corpus-gcide.txt" --out "$work/model-4" --resume \
  --max-length 64 --batch-size 64 --steps 12000 --lr 5e-4 --warmup-ratio 0.02 --eval-every 1000 \
  --eval-sequences 0 --checkpoint-every 500 --dtype f16 --precision bf16 --threads 2 --seed 44
mkdir -p "$out"
cp "$work"/model-4/{config.json,model.safetensors,vocab.txt,tokenizer.json} "$out/"
cp "$work/model/log.jsonl" "$out/pretrain-log.jsonl"
cp "$work/model-2/log.jsonl" "$out/pretrain-log-2.jsonl"
cp "$work/model-3/log.jsonl" "$out/pretrain-log-3.jsonl"
cp "$work/model-4/log.jsonl" "$out/pretrain-log-4.jsonl"
