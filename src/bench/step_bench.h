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

nlohmann::json bench_training_step(methods::PeftModel& peft, const StepBenchOptions& options, const torch::Device& device);
int64_t peak_rss_bytes();  // the process's high-water resident memory (Linux), 0 when unknown

}  // namespace peft::bench
