#include "nn/key_value_site.h"

namespace peft::nn {

void KeyValues::prepend(const torch::Tensor& extra_keys, const torch::Tensor& extra_values) {
  const auto B = keys.size(0), P = extra_keys.size(2);
  auto batch = [&](const torch::Tensor& t) { return t.to(keys.dtype()).expand({B, t.size(1), P, t.size(3)}); };
  keys = torch::cat({batch(extra_keys), keys}, 2);
  values = torch::cat({batch(extra_values), values}, 2);
  auto visible = torch::zeros({mask.size(0), 1, mask.size(2), P}, mask.options());
  mask = torch::cat({visible, mask}, 3);
}

}  // namespace peft::nn
