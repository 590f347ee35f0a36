// --precision for training: "f32" (all maths in fp32), "bf16" (autocast: matrix products in bfloat16,
// weights, optimizer and loss in fp32) or "auto" (bf16 where the hardware multiplies bf16 fastest).
// bf16 products are several times faster on GPUs and on CPUs with AMX; measure with `peft bench --precision`.
#pragma once
#include <fstream>
#include <optional>
#include <string>

#include <torch/torch.h>

#include "core/compat.h"
#include "core/error.h"
#include "models/task_model.h"

namespace peft::train {

// Whether this CPU multiplies bf16 in AMX tiles (Linux: /proc/cpuinfo flags); false when unknown. AVX512-BF16
// alone is no faster than fp32 in OpenBLAS's AVX-512 kernels (default model, one core, a step of 64: full
// fine-tuning 464 ms in bf16, 380 in fp32; LoRA 316 and 204), so "auto" keeps fp32 there.
inline bool cpu_has_amx_bf16() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("flags", 0) == 0)
      return line.find(" amx_bf16") != std::string::npos;
  return false;
}

// "auto" made concrete for `device`: bf16 on CUDA and on CPUs with AMX, else f32.
inline std::string resolve_precision(const std::string& precision, const torch::Device& device) {
  if (precision != "auto") return precision;
  return device.is_cuda() || cpu_has_amx_bf16() ? "bf16" : "f32";
}

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
