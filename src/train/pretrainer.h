// Masked-LM pretraining of a BERT from scratch: AdamW with warmup + linear decay, dynamic masking,
// periodic held-out scoring, resumable checkpoints, and an HF-style model directory at the end.
#pragma once
#include <optional>
#include <string>

#include "models/task_model.h"
#include "text/wordpiece_tokenizer.h"
#include "train/mlm_corpus.h"
#include "train/mlm_masking.h"

namespace peft::train {

struct PretrainOptions {
  int64_t steps = 10000;
  int64_t batch_size = 32;
  double lr = 1e-3;
  double weight_decay = 0.01;  // not on biases and LayerNorms
  double warmup_ratio = 0.05;
  double max_grad_norm = 1.0;  // 0: no clipping
  double mask_probability = 0.15;
  int64_t eval_every = 500;         // steps between held-out scores (and log lines); the last step always
  int64_t eval_sequences = 512;     // held-out sequences scored each time (the first ones; 0: all)
  int64_t checkpoint_every = 1000;  // steps between checkpoints; the last step always
  int64_t stop_after = 0;           // > 0: stop after this step, leaving a checkpoint to --resume from
  uint64_t seed = 42;
  std::string dtype = "f32";      // weights of the saved model: f32, f16 or bf16
  std::string precision = "f32";  // training maths: f32 or bf16 (train/precision.h)
  bool resume = false;        // continue from out_dir/checkpoint when there is one
  bool quiet = false;
  std::string out_dir;  // the model (config.json, model.safetensors, vocab), log.jsonl, checkpoint/
};

struct MlmScore {
  double loss = 0;      // mean cross-entropy over the predicted tokens
  double accuracy = 0;  // share of predicted tokens whose top logit is the original token
  int64_t predicted = 0;
};

struct PretrainResult {
  int64_t steps = 0;  // the step reached (a resumed run counts the steps before it)
  double seconds = 0;
  double train_loss = 0;             // mean over the steps since the last log line
  std::optional<MlmScore> held_out;  // the last score; none without held-out sequences
  bool finished = false;             // all steps done and the model saved (false after stop_after)
};

// A BERT masked-LM model with HF's initialisation, seeded.
models::TaskModel new_mlm_model(const models::ModelConfig& config, uint64_t seed);

// Scores `sequences` ([N, L] token ids) with a masking that depends only on each row's index, so scores
// of different steps and runs are comparable. Leaves the model's train/eval mode as it was.
MlmScore score_mlm(models::TaskModel& model, const torch::Tensor& sequences, const MlmMasker& masker,
                   int64_t batch_size, const torch::Device& device);

PretrainResult pretrain(models::TaskModel& model, const text::WordPieceTokenizer& tokenizer, const MlmCorpus& corpus,
                        const PretrainOptions& options, const torch::Device& device);

// config.json + model.safetensors (weights converted to `dtype`: f32, f16, bf16) + vocab.txt and
// tokenizer.json: a directory `peft train --model` and HF's from_pretrained load.
void save_pretrained(const std::string& dir, models::TaskModel& model, const text::WordPieceTokenizer& tokenizer,
                     const std::string& dtype);

}  // namespace peft::train
