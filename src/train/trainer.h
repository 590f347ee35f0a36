// The training loop: seeded data order, AdamW on trainable tensors only (no weight decay on biases and
// LayerNorms), warmup + decay, gradient accumulation and clipping, periodic evaluation with early
// stopping and best-adapter keeping, resumable checkpoints, a progress line and a JSONL log.
#pragma once
#include <map>
#include <optional>
#include <string>

#include "methods/peft_model.h"
#include "train/task_data.h"

namespace peft::train {

struct TrainOptions {
  int64_t epochs = 3;
  int64_t max_steps = 0;  // > 0: stop after this many optimizer steps (overrides epochs)
  int64_t batch_size = 32;
  int64_t grad_accum = 1;
  bool group_by_length = false;  // batches of similar lengths: less padding, faster steps
  double lr = 1e-3;
  double weight_decay = 0.01;
  double loraplus_lr_ratio = 0;  // > 0: LoRA+, B factors and 1-D tensors at lr × this (train/param_groups.h)
  double warmup_ratio = 0.06;
  std::string schedule = "linear";
  double max_grad_norm = 1.0;
  int64_t eval_every = 0;  // optimizer steps between evaluations; 0 = once per epoch
  int64_t patience = 0;    // evaluations without improvement before stopping; 0 = never stop early
  std::string metric;      // empty = the task's default
  std::string precision = "f32";  // f32 or bf16 (train/precision.h)
  uint64_t seed = 42;
  // Required: continue from the newest complete OUT/checkpoint-<step> and refuse when there is none;
  // IfPresent: continue when there is one, else start afresh.
  enum class Resume { No, Required, IfPresent } resume = Resume::No;
  bool keep_checkpoints = false;  // keep the last checkpoint after the run ends (resume it with more steps)
  int64_t log_every = 10;         // optimizer steps between training-loss lines in log.jsonl (0: none)
  bool quiet = false;
  std::string out_dir;     // adapter (best), metrics.json, log.jsonl, checkpoint-<step>/
};

// Every option after defaults, under its CLI name, for run.json.
nlohmann::json options_json(const TrainOptions& options);

// Totals cover the whole run, the steps before a resume included.
struct TrainResult {
  int64_t steps = 0;
  double seconds = 0;
  double best_metric = 0;
  int64_t best_step = 0;
  std::map<std::string, double> best_dev;  // dev metrics of the kept adapter
  double final_loss = 0;  // mean training loss over every step
  std::string stop_reason;  // "steps", "early_stop"
};

TrainResult train(methods::PeftModel& peft, const TaskData& train_data, const TaskData* dev_data,
                  const methods::TaskInfo& task, const TrainOptions& options, const torch::Device& device,
                  int64_t pad_id);

}  // namespace peft::train
