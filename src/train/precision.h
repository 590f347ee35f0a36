// --precision for training: "f32" (all maths in fp32) or "bf16" (autocast: matrix products in bfloat16,
// weights, optimizer and loss in fp32). bf16 products are several times faster on GPUs and on CPUs with
// AVX512-BF16 or AMX; measure with `peft bench --precision`.
#pragma once
#include <optional>
#include <string>

#include <torch/torch.h>

#include "core/compat.h"
#include "core/error.h"
#include "models/task_model.h"

namespace peft::train {

inline std::optional<torch::ScalarType> autocast_dtype(const std::string& precision) {
  if (precision == "f32") return std::nullopt;
  if (precision == "bf16") return torch::kBFloat16;
  throw Error("unknown precision '" + precision + "' (known: f32, bf16)");
}

// The model's logits in fp32, computed under `autocast` (none: plain fp32), ready for an fp32 loss.
inline torch::Tensor forward_fp32_logits(models::TaskModelImpl& model, const models::ModelInputs& inputs,
                                         std::optional<torch::ScalarType> autocast) {
  const compat::Autocast mixed(inputs.input_ids.device().type(), autocast);
  return model.forward(inputs).to(torch::kFloat);
}

}  // namespace peft::train
