// The key/value site of every attention layer, after K and V are projected and split into heads: methods
// prepend rows there (prefix tuning, P-tuning v2) through KeyValues::prepend, which extends the additive
// mask to match; a decoder's KV cache takes the same path (its past rows come first).
#pragma once
#include <memory>
#include <string>

#include <torch/torch.h>

#include "nn/hook_site.h"

namespace peft::nn {

struct KeyValues {
  torch::Tensor keys, values;  // [B, heads, Lk, head_dim]
  torch::Tensor mask;          // additive, [B, 1, Lq or 1, Lk]: 0 = visible

  // Puts `keys`/`values` ([B or 1, heads, P, head_dim]) before the present rows, visible to every query;
  // with `count` ([B]), row b sees only the first count[b] of them (a mixed batch of shorter prefixes).
  void prepend(const torch::Tensor& keys, const torch::Tensor& values, const torch::Tensor& count = {});
};

using KeyValueHook = SiteHook<KeyValues>;
using KeyValueSite = HookSite<KeyValueHook, KeyValues>;

}  // namespace peft::nn
