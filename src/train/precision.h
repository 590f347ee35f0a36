// --precision for training and inference: "f32" (all maths in fp32), "bf16" (autocast: matrix products in
// bfloat16; weights, optimizer state and loss in fp32) or "auto" (bf16 where this hardware multiplies bf16
// clearly faster than fp32, else f32). Measure with `peft bench --precision`.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include <torch/torch.h>

#include "core/compat.h"
#include "core/error.h"
#include "models/model_config.h"
#include "models/task_model.h"

namespace peft::train {

// The CPU features "auto" reads (Linux: the "flags" line of /proc/cpuinfo; none where that is unreadable).
struct CpuFeatures {
  bool avx512_bf16 = false;  // bf16 dot products in AVX-512 registers (Cooper Lake, Sapphire Rapids, Zen 4)
  bool amx_bf16 = false;     // bf16 tile multiplies (Sapphire Rapids and later)
  static CpuFeatures from_flags(const std::string& flags);
  static CpuFeatures of_this_cpu();
};

struct PrecisionChoice {
  std::string precision;  // f32 or bf16
  std::string reason;     // why, for the log and run.json
};

// How much faster one encoder layer's matrix products run in bf16 than in fp32 (fp32 time / bf16 time, the
// activation's cast included) at this width, on this process's threads; about 0.1 s.
double measure_bf16_speedup(int64_t hidden, int64_t intermediate);

// bf16 matrix products must be at least this much faster for "auto" to pick them: the rest of a step
// (LayerNorm, softmax, the optimizer) stays fp32, and the casts cost time of their own.
constexpr double kMinBf16Speedup = 1.25;

// "auto" made concrete: bf16 on CUDA and on AMX CPUs; on CPUs with AVX512-BF16 alone only where
// `bf16_speedup` (called only then) reaches kMinBf16Speedup, since that depends on the CPU (2-core Zen 4:
// 2.7x faster steps; an Emerald Rapids VM without AMX, one thread: 1.2-1.5x slower); else f32.
PrecisionChoice choose_precision(const std::string& requested, const torch::Device& device, const CpuFeatures& cpu,
                                 const std::function<double()>& bf16_speedup);

// choose_precision for this machine and a model of this shape.
PrecisionChoice resolve_precision(const std::string& requested, const torch::Device& device,
                                  const models::ModelConfig& config);

inline std::optional<torch::ScalarType> autocast_dtype(const std::string& precision) {
  if (precision == "f32") return std::nullopt;
  if (precision == "bf16") return torch::kBFloat16;
  throw Error("unknown precision '" + precision + "' (known: f32, bf16)");
}

// The model's logits in fp32, computed under `autocast` (none: plain fp32), ready for an fp32 loss.
inline torch::Tensor forward_fp32_logits(models::TaskModelImpl& model, const models::ModelInputs& inputs,
                                         std::optional<torch::ScalarType> autocast,
                                         const nn::ForwardContext* ctx = nullptr) {
  const compat::Autocast mixed(inputs.input_ids.device().type(), autocast);
  return (ctx ? model.forward(inputs, *ctx) : model.forward(inputs)).to(torch::kFloat);
}

}  // namespace peft::train
