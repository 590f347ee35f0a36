// Learning-rate schedules: linear warmup, then linear or cosine decay to zero (or constant), as in HF's
// get_linear_schedule_with_warmup / get_cosine_schedule_with_warmup.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>

#include "core/error.h"

namespace peft::train {

enum class Decay { Linear, Cosine, Constant };

inline Decay parse_decay(const std::string& name) {
  if (name == "linear") return Decay::Linear;
  if (name == "cosine") return Decay::Cosine;
  if (name == "constant") return Decay::Constant;
  throw Error("unknown schedule '" + name + "' (known: linear, cosine, constant)");
}

// Multiplier of the peak learning rate at `step` (0-based) of `total` optimizer steps.
inline double lr_factor(Decay decay, int64_t step, int64_t warmup, int64_t total) {
  if (step < warmup) return double(step + 1) / double(warmup);
  if (decay == Decay::Constant || total <= warmup) return 1.0;
  const double progress = std::min(1.0, double(step - warmup) / double(total - warmup));
  if (decay == Decay::Linear) return 1.0 - progress;
  return 0.5 * (1.0 + std::cos(M_PI * progress));
}

}  // namespace peft::train
