#include "methods/method.h"

#include "core/error.h"

namespace peft::methods {

std::vector<RoledTensor> Method::own_tensor_roles() const {
  std::vector<RoledTensor> out;
  for (auto& [name, t] : own_tensors())
    out.push_back({name, t, t.dim() == 1 ? models::TensorRole::Bias : models::TensorRole::Weight});
  return out;
}

NamedTensors Method::names_of_roles() const {
  NamedTensors out;
  for (auto& t : own_tensor_roles()) out.emplace_back(t.name, t.tensor);
  return out;
}

void Method::load_saved(models::TensorMap& tensors, const std::string& context) {
  torch::NoGradGuard no_grad;
  for (auto& [name, target] : own_tensors()) {
    const auto it = tensors.find(name);
    require(it != tensors.end(), context + ": tensor '" + file_roots().own + name + "' is missing");
    require(it->second.sizes() == target.sizes(), context + ": tensor '" + file_roots().own + name + "' has shape " +
                                                      c10::str(it->second.sizes()) + ", the model expects " +
                                                      c10::str(target.sizes()));
    target.copy_(it->second);
    tensors.erase(it);
  }
}

}  // namespace peft::methods
