#include "train/param_groups.h"

#include <cmath>
#include <map>

#include "core/error.h"
#include "methods/tensor_names.h"

namespace peft::train {

std::vector<ParamGroup> param_groups(const methods::NamedTensors& trainable, double weight_decay,
                                     double loraplus_lr_ratio) {
  require(loraplus_lr_ratio >= 0 && std::isfinite(loraplus_lr_ratio), "--loraplus-lr-ratio must be >= 0");
  const double ratio = loraplus_lr_ratio > 0 ? loraplus_lr_ratio : 1.0;
  // By (lr scale, no decay): without LoRA+ the decayed group comes first, as in checkpoints from before it.
  std::map<std::pair<double, bool>, ParamGroup> groups;
  for (const auto& [name, t] : trainable) {
    const bool no_decay = methods::is_bias(name) || methods::is_layer_norm(name);
    const bool fast = methods::ends_with(name, ".lora_B.weight") || t.dim() == 1;
    ParamGroup& g = groups[{fast ? ratio : 1.0, no_decay}];
    g.lr_scale = fast ? ratio : 1.0;
    g.weight_decay = no_decay ? 0.0 : weight_decay;
    g.tensors.push_back(t);
  }
  std::vector<ParamGroup> out;
  for (auto& [_, g] : groups) out.push_back(std::move(g));
  return out;
}

}  // namespace peft::train
