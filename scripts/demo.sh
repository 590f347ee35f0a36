#!/usr/bin/env bash
# The main job from a fresh machine: install what is missing, build, build the tasks from Debian
# packages, and fine-tune LoRA on the topic task.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
build/peft tasks build --out data/tasks
build/peft train --model "${PEFT_MODEL:-tests/fixtures/bert_cls/model}" --method lora \
  --train data/tasks/topic/train.tsv --dev data/tasks/topic/dev.tsv --test data/tasks/topic/test.tsv \
  --out runs/topic-lora --max-steps 300 --eval-every 100 --max-length 64
