#include "train/param_groups.h"

#include <cmath>
#include <map>

#include "core/error.h"

namespace peft::train {

std::vector<ParamGroup> param_groups(const std::vector<methods::RoledTensor>& trainable, double weight_decay,
                                     double loraplus_lr_ratio) {
  require(loraplus_lr_ratio >= 0 && std::isfinite(loraplus_lr_ratio), "--loraplus-lr-ratio must be >= 0");
  const double ratio = loraplus_lr_ratio > 0 ? loraplus_lr_ratio : 1.0;
  // By (lr scale, no decay): without LoRA+ the decayed group comes first, as in checkpoints from before it.
  std::map<std::pair<double, bool>, ParamGroup> groups;
  using models::TensorRole;
  for (const auto& [name, t, role] : trainable) {
    const bool no_decay = role == TensorRole::Bias || role == TensorRole::Norm;
    const bool fast = role == TensorRole::FactorOut || t.dim() == 1;
    ParamGroup& g = groups[{fast ? ratio : 1.0, no_decay}];
    g.lr_scale = fast ? ratio : 1.0;
    g.weight_decay = no_decay ? 0.0 : weight_decay;
    g.tensors.push_back(t);
  }
  std::vector<ParamGroup> out;
  for (auto& [_, g] : groups) out.push_back(std::move(g));
  return out;
}

std::unique_ptr<torch::optim::AdamW> make_adamw(const std::vector<ParamGroup>& groups, double lr) {
  require(!groups.empty(), "the method has no trainable tensors");
  std::vector<torch::optim::OptimizerParamGroup> torch_groups;
  for (const auto& g : groups) {
    auto options = torch::optim::AdamWOptions(lr * g.lr_scale).weight_decay(g.weight_decay).eps(1e-8);
    torch_groups.emplace_back(g.tensors, std::make_unique<torch::optim::AdamWOptions>(options));
  }
  return std::make_unique<torch::optim::AdamW>(torch_groups, torch::optim::AdamWOptions(lr));
}

void set_lr(torch::optim::Optimizer& optimizer, const std::vector<ParamGroup>& groups, double lr) {
  for (size_t i = 0; i < groups.size(); ++i)
    static_cast<torch::optim::AdamWOptions&>(optimizer.param_groups()[i].options()).lr(lr * groups[i].lr_scale);
}

}  // namespace peft::train
