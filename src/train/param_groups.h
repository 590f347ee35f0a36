// How the trainable tensors split into AdamW groups, by the roles their owners gave them: no weight decay
// on biases and norms, and optionally LoRA+ (Hayou et al., 2024): LoRA's B factors, and every 1-D tensor,
// at lr × ratio, as HF PEFT's create_loraplus_optimizer groups them. A's, embedding factors and the
// head's weights keep lr.
#pragma once
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "methods/method.h"

namespace peft::train {

struct ParamGroup {
  std::vector<torch::Tensor> tensors;
  double lr_scale = 1;  // the group's learning rate over the schedule's
  double weight_decay = 0;
};

// loraplus_lr_ratio 0 (or 1) leaves every group at the schedule's learning rate.
std::vector<ParamGroup> param_groups(const std::vector<methods::RoledTensor>& trainable, double weight_decay,
                                     double loraplus_lr_ratio);

// AdamW over the groups, and the schedule's learning rate applied to each group at its scale.
std::unique_ptr<torch::optim::AdamW> make_adamw(const std::vector<ParamGroup>& groups, double lr);
void set_lr(torch::optim::Optimizer& optimizer, const std::vector<ParamGroup>& groups, double lr);

}  // namespace peft::train
