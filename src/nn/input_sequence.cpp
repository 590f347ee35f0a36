#include "nn/input_sequence.h"

#include "core/error.h"

namespace peft::nn {

void InputSequence::insert(int64_t at, const torch::Tensor& vectors) {
  const auto B = embeds.size(0), L = embeds.size(1), n = vectors.size(1);
  require(at >= 0 && at <= L, "an input-sequence insert at " + std::to_string(at) + " is outside the sequence");
  auto v = vectors.to(embeds.dtype()).expand({B, n, embeds.size(2)});
  auto splice = [&](const torch::Tensor& t, const torch::Tensor& middle) {
    return torch::cat({t.narrow(1, 0, at), middle, t.narrow(1, at, L - at)}, 1);
  };
  embeds = splice(embeds, v);
  attention_mask = splice(attention_mask, torch::ones({B, n}, attention_mask.options()));
  token_type_ids = splice(token_type_ids, torch::zeros({B, n}, token_type_ids.options()));
  inserted = true;
}

}  // namespace peft::nn
