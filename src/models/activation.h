// Activation functions by their HF config names, resolved once when a module is built (not per forward).
#pragma once
#include <string>

#include <torch/torch.h>

namespace peft::models {

using Activation = torch::Tensor (*)(const torch::Tensor&);

// Throws peft::Error naming `name` when it is not one we have.
Activation activation_for(const std::string& name);

}  // namespace peft::models
