// Benchmarks of a method on random token batches of a fixed shape: the training step (forward + backward
// + AdamW step: throughput, step time, trainable share, peak memory, and optionally where the time goes)
// and forward-only inference against the base model alone.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "methods/peft_model.h"

namespace peft::bench {

struct StepBenchOptions {
  int64_t batch = 16, seq = 128, steps = 20, warmup = 3;
  std::string precision = "f32";  // f32 or bf16 (train/precision.h)
  bool profile = false;           // training: also profile `steps` more steps (bench/op_profile.h)
};

// Peak memory: the process's resident set, and on a GPU also the bytes allocated there (peak_device_bytes).
nlohmann::json bench_training_step(methods::PeftModel& peft, const StepBenchOptions& options, const torch::Device& device);

// Forward passes in inference mode (no autograd state) of the base alone, with the adapter beside the
// weights, and with it merged where the method merges: each variant's best of three interleaved rounds of
// `steps` batches, as sequences/s, tokens/s and time relative to the base.
nlohmann::json bench_inference(methods::PeftModel& peft, const StepBenchOptions& options, const torch::Device& device);

}  // namespace peft::bench
