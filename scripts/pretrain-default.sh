#!/usr/bin/env bash
# Reproduces the shipped default model models/bert-en-small: the corpus from Debian's WordNet and fortune
# packages, an 8k WordPiece vocabulary, then masked-LM pretraining of a 4-layer, 256-wide BERT.
# About 70 minutes on 2 CPU cores. Work files go to runs/pretrain-default; the model to $1 (default: the
# shipped directory, whose README.md is kept).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-models/bert-en-small}"
work=runs/pretrain-default
mkdir -p "$work"
build/peft corpus --out "$work/corpus.txt"
build/peft vocab --corpus "$work/corpus.txt" --size 8192 --out "$work/vocab"
build/peft pretrain --corpus "$work/corpus.txt" --vocab "$work/vocab" --out "$work/model" --resume \
  --hidden 256 --layers 4 --heads 4 --intermediate 1024 --max-length 64 --batch-size 64 --steps 2000 \
  --lr 1e-3 --warmup-ratio 0.05 --eval-every 200 --eval-sequences 0 --checkpoint-every 200 --dtype f16 --seed 42
mkdir -p "$out"
cp "$work"/model/{config.json,model.safetensors,vocab.txt,tokenizer.json} "$out/"
cp "$work/model/log.jsonl" "$out/pretrain-log.jsonl"
