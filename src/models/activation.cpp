#include "models/activation.h"

#include "core/error.h"

namespace peft::models {
namespace {

torch::Tensor gelu(const torch::Tensor& x) { return torch::gelu(x); }
torch::Tensor gelu_tanh(const torch::Tensor& x) { return torch::gelu(x, "tanh"); }
torch::Tensor relu(const torch::Tensor& x) { return torch::relu(x); }
torch::Tensor silu(const torch::Tensor& x) { return torch::silu(x); }
torch::Tensor tanh(const torch::Tensor& x) { return torch::tanh(x); }

}  // namespace

Activation activation_for(const std::string& name) {
  if (name == "gelu") return gelu;
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return gelu_tanh;
  if (name == "relu") return relu;
  if (name == "silu" || name == "swish") return silu;
  if (name == "tanh") return tanh;
  throw Error("unsupported activation '" + name + "'");
}

}  // namespace peft::models
