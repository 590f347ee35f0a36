// Training-step benchmark: times forward + backward + AdamW steps of a method on random token batches of
// a fixed shape, and reports throughput, step time, trainable share and peak memory.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "methods/peft_model.h"

namespace peft::bench {

struct StepBenchOptions {
  int64_t batch = 16, seq = 128, steps = 20, warmup = 3;
  std::string precision = "f32";  // f32 or bf16 (train/precision.h)
};

// Peak memory: the process's resident set, and on a GPU also the bytes allocated there (peak_device_bytes).
nlohmann::json bench_training_step(methods::PeftModel& peft, const StepBenchOptions& options, const torch::Device& device);

}  // namespace peft::bench
