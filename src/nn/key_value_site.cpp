#include "nn/key_value_site.h"

#include <limits>

namespace peft::nn {

void KeyValues::prepend(const torch::Tensor& extra_keys, const torch::Tensor& extra_values,
                        const torch::Tensor& count) {
  const auto B = keys.size(0), P = extra_keys.size(2);
  auto batch = [&](const torch::Tensor& t) { return t.to(keys.dtype()).expand({B, t.size(1), P, t.size(3)}); };
  keys = torch::cat({batch(extra_keys), keys}, 2);
  values = torch::cat({batch(extra_values), values}, 2);
  auto visible = torch::zeros({mask.size(0), 1, mask.size(2), P}, mask.options());
  auto present = mask;
  if (count.defined()) {
    // As padding keys: the most negative finite value, so a row's unused prefix slots weigh exactly 0.
    auto unused = torch::arange(P, count.options()).unsqueeze(0).ge(count.view({-1, 1}));
    visible = torch::zeros({B, 1, mask.size(2), P}, mask.options())
                  .masked_fill(unused.view({B, 1, 1, P}), std::numeric_limits<float>::lowest());
    present = mask.expand({B, 1, mask.size(2), mask.size(3)});
  }
  mask = torch::cat({visible, present}, 3);
}

}  // namespace peft::nn
