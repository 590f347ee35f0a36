#!/usr/bin/env bash
# Everything a CUDA machine can tell in one call: build against python3's LibTorch 2.x with the carried
# .deps/ (scripts/gather-deps.sh), run the whole test suite there (the CUDA tests too), train full
# fine-tuning and LoRA on the topic task on the GPU as the demo does, and benchmark a training step per
# method on the GPU. Bring .deps/ and data/tasks/ (peft tasks build) along; results and logs go to the
# folder given (default runs/device-check/).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/device-check}"
mkdir -p "$out"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee "$out/gpu.txt" || true

scripts/build-cuda.sh > "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
python3 -c 'import torch; print("built against torch", torch.__version__, "CUDA", torch.version.cuda)'
if [[ -d build-cuda/tests ]]; then
  ctest --test-dir build-cuda -j"$(nproc)" --output-on-failure > "$out/ctest.log" 2>&1 || true
  grep -E 'tests passed|tests failed|\(Failed\)|\(Skipped\)|Not Run' "$out/ctest.log" | tail -30
else
  echo "tests not built (see build.log)"
fi

peft=build-cuda/peft
model=models/bert-en-small
task=data/tasks/topic
source scripts/demo-methods.sh  # options[method]: the demo's settings
if [[ -f $task/train.tsv ]]; then
  for method in full lora; do
    # shellcheck disable=SC2086  # the options are words
    (set -o noglob; $peft train --model $model ${options[$method]} --device cuda --precision auto --seed 42 \
      --train $task/train.tsv --dev $task/dev.tsv --test $task/test.tsv --max-length 64 --group-by-length \
      --max-steps 1500 --eval-every 375 --quiet --out "$out/topic-$method" >"$out/topic-$method.json" 2>"$out/topic-$method.log") \
      && echo "topic $method: $(tr -d '\n' <"$out/topic-$method.json" | head -c 400)" \
      || { echo "topic $method failed:"; tail -5 "$out/topic-$method.log"; }
  done
else
  echo "no $task: carry data/ (peft tasks build --out data/tasks) for the GPU training runs"
fi

for method in full bitfit lora houlsby pfeiffer; do
  for precision in f32 bf16; do
    $peft bench --model $model --method "$method" --batch-size 64 --seq 64 --steps 20 --device cuda --precision "$precision" \
      2>> "$out/bench.log" | tee -a "$out/bench.jsonl" || echo "bench $method $precision failed"
  done
done
