#!/usr/bin/env bash
# The soft-prompt study on the shipped model (README, "Soft prompts"): a few learning-rate probes per
# method (picked on dev), the topic table at the demo's budget with a head-only baseline, P-tuning v2 on
# the tagging task, the prompt-length sweep, and PET few-shot against LoRA on the same examples.
#   scripts/soft-prompts.sh [STAGE...]   stages: probe final tagging sweep fewshot report (default: all)
# A run whose metrics.json exists is kept, so an interrupted study resumes where it stopped. Runs go two at
# a time, one thread each (small models scale poorly across threads). PEFT=path/to/peft picks the binary.
set -euo pipefail
set -o noglob  # the options hold JSON lists, not file patterns
cd "$(dirname "$0")/.."
peft=${PEFT:-build/peft}
model=models/bert-en-small
out=runs/soft-prompts
read -ra stages <<<"${*:-probe final tagging sweep fewshot report}"
source scripts/demo-methods.sh  # the demo's LoRA settings, for the few-shot and tagging references

# Each method's options besides the learning rate; 20 virtual tokens, as the earlier probes.
declare -A method_options=(
  [prompt_tuning]="--method prompt_tuning --set num_virtual_tokens=20 --set prompt_tuning_init=SAMPLE_VOCAB"
  [prompt_ensemble]="--method prompt_ensemble --set num_virtual_tokens=20 --set num_prompts=4
    --set prompt_tuning_init=SAMPLE_VOCAB"
  [p_tuning]="--method p_tuning --set num_virtual_tokens=20 --set encoder_reparameterization_type=MLP"
  [prefix_tuning]="--method prefix_tuning --set num_virtual_tokens=20 --set prefix_projection=true"
  [p_tuning_v2]="--method p_tuning_v2 --set num_virtual_tokens=20"
  [head]="--method head"
  [pet]="--method pet --set cloze=examples/cloze/topic.json"
)
declare -A probe_lrs=([prompt_tuning]="1e-2 3e-2 1e-1" [p_tuning]="1e-3 3e-3 1e-2" [prefix_tuning]="3e-3 1e-2 3e-2"
                      [p_tuning_v2]="3e-3 1e-2 3e-2" [head]="1e-3 3e-3 1e-2"
                      [pet]="1e-3 3e-3 1e-2")
# PET with LoRA: the demo's LoRA options under the union's member name.
pet_lora() {  # TASK [LORA_OPTIONS]
  local lora=${2:-${options[lora]}}
  lora=${lora//--set /--set lora.}
  echo "${lora/--method lora/--method pet+lora --set pet.cloze=examples/cloze/$1.json}"
}

fewshot_file() {  # TASK N: N of the task's training examples, each label at least once, from a seeded shuffle
  local file=$out/fewshot-data/$1-$2.tsv
  if [[ ! -e $file ]]; then
    mkdir -p "$out/fewshot-data"
    { head -1 "data/tasks/$1/train.tsv"
      tail -n +2 "data/tasks/$1/train.tsv" | shuf --random-source=<(yes 42) | awk -F'\t' -v n="$2" '
        !seen[$NF]++ { print; k++; next } { rest[++r] = $0 }
        END { for (i = 1; k < n && i <= r; i++) { print rest[i]; k++ } }'
    } >"$file"
  fi
  echo "$file"
}

lanes=2
train() {  # NAME TASK STEPS OPTIONS...: one run under $out/NAME unless it finished before
  local name=$1 task=data/tasks/$2 steps=$3
  shift 3
  [[ -e "$out/$name/metrics.json" ]] && return 0
  while (( $(jobs -rp | wc -l) >= lanes )); do wait -n || true; done
  mkdir -p "$(dirname "$out/$name")"
  local ext=tsv
  [[ -e "$task/train.conll" ]] && ext=conll
  local train_file=${TRAIN_FILE:-$task/train.$ext}
  echo "[$(date +%T)] $name"
  # shellcheck disable=SC2068  # the options are words
  nice -n 10 "$peft" train --model "$model" $@ --threads 1 --seed 42 --train "$train_file" --dev "$task/dev.$ext" \
    --test "$task/test.$ext" --max-length 64 --group-by-length --max-steps "$steps" --eval-every $((steps / 2)) \
    --out "$out/$name" >"$out/$name.log" 2>&1 || echo "$name failed: see $out/$name.log" &
}

dev_accuracy() {  # RUN: its dev metric (the first one metrics.json's dev block names)
  sed -n '/"dev"/,/}/p' "$out/$1/metrics.json" | grep -o '[0-9.]*,\?$' | head -1 | tr -d ,
}

best_lr() {  # METHOD: the probed learning rate with the best dev score
  local m=$1 best="" score=-1 s lr
  for lr in ${probe_lrs[$m]}; do
    [[ -e "$out/probe/$m-$lr/metrics.json" ]] || continue
    s=$(dev_accuracy "probe/$m-$lr")
    if awk -v a="$s" -v b="$score" 'BEGIN { exit !(a > b) }'; then best=$lr score=$s; fi
  done
  echo "${best:?no finished probe for $m}"
}

for stage in "${stages[@]}"; do
  case $stage in
    probe)  # 400 steps each at three learning rates; the ensemble takes prompt tuning's
      for m in prompt_tuning p_tuning prefix_tuning p_tuning_v2 head pet; do
        for lr in ${probe_lrs[$m]}; do
          train "probe/$m-$lr" topic 400 ${method_options[$m]} --lr "$lr" --batch-size 32
        done
      done ;;
    final)  # the demo's budget: 1000 steps of 32 examples
      wait
      for m in prompt_ensemble prompt_tuning p_tuning prefix_tuning p_tuning_v2 head pet; do
        lr=$(best_lr "${m/prompt_ensemble/prompt_tuning}")
        train "topic/$m" topic 1000 ${method_options[$m]} --lr "$lr" --batch-size 32
      done
      train topic/pet+lora topic "${steps[lora]}" $(pet_lora topic) ;;
    tagging)
      wait
      train tagging/p_tuning_v2 tagging 1000 ${method_options[p_tuning_v2]} --lr "$(best_lr p_tuning_v2)" \
        --batch-size 32
      train tagging/head tagging 1000 ${method_options[head]} --lr "$(best_lr head)" --batch-size 32
      train tagging/lora tagging "${steps[lora]}" ${options[lora]} ;;
    sweep)  # prompt length: 400 steps each, at the probes' learning rate
      wait
      for m in prompt_tuning prefix_tuning; do
        lr=$(best_lr "$m")
        for n in 1 5 10 20 32; do
          train "sweep/$m-$n" topic 400 ${method_options[$m]/num_virtual_tokens=20/num_virtual_tokens=$n} --lr "$lr" \
            --batch-size 32
        done
      done ;;
    fewshot)  # 32 and 100 examples, 250 steps of 16 (PET's budget), every method at LoRA's demo learning rate
      for task in topic pair; do
        for n in 32 100; do
          file=$(fewshot_file "$task" "$n")
          lora=${options[lora]/--batch-size 32/--batch-size 16}
          TRAIN_FILE=$file train "fewshot/$task-$n/lora" "$task" 250 $lora
          TRAIN_FILE=$file train "fewshot/$task-$n/pet" "$task" 250 --method pet \
            --set "cloze=examples/cloze/$task.json" --lr 2e-3 --batch-size 16
          TRAIN_FILE=$file train "fewshot/$task-$n/pet+lora" "$task" 250 $(pet_lora "$task" "$lora")
        done
      done ;;
    report)
      wait
      set +o noglob
      runs() { for d in "$@"; do [[ -d $d ]] && echo "$d"; done; }  # run directories, not their logs
      # shellcheck disable=SC2046  # one run directory per word
      "$peft" report $(runs "$out"/topic/*) runs/demo/{full,lora,houlsby} --baseline head --column settings.lr \
        --out "$out/topic.md" --plot "$out/topic.png" \
        --title "topic: soft prompts at the demo's budget, test accuracy vs trained parameters"
      # shellcheck disable=SC2046
      "$peft" report $(runs "$out"/tagging/*) --baseline head --out "$out/tagging.md" --column settings.lr
      # shellcheck disable=SC2046
      "$peft" report $(runs "$out"/sweep/*) --column method.config.num_virtual_tokens --out "$out/sweep.md" \
        --plot "$out/sweep.png" --x method.config.num_virtual_tokens \
        --title "topic: accuracy vs virtual tokens (400 steps each)"
      for task in topic pair; do
        for n in 32 100; do
          # shellcheck disable=SC2046
          "$peft" report $(runs "$out/fewshot/$task-$n"/*) --out "$out/fewshot-$task-$n.md"
        done
      done ;;
    *) echo "unknown stage '$stage' (probe final tagging sweep fewshot report)"; exit 1 ;;
  esac
done
wait
