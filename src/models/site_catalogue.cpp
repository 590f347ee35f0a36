#include "models/site_catalogue.h"

#include "models/tensor_names.h"

namespace peft::models {

TensorRole base_tensor_role(const std::string& name) {
  if (is_layer_norm(name)) return TensorRole::Norm;
  if (is_bias(name)) return TensorRole::Bias;
  if (name.find("embeddings.") != std::string::npos) return TensorRole::Embedding;
  return TensorRole::Weight;
}

}  // namespace peft::models
