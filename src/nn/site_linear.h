// A frozen linear projection that PEFT methods attach to (the "linear site"): each attached delta adds
// to or rescales the output, and can be folded into the frozen weight when its maths allows.
#pragma once
#include "nn/site.h"

namespace peft::nn {

class SiteLinearImpl : public SiteBase {
 public:
  SiteLinearImpl(int64_t in_features, int64_t out_features, bool with_bias = true);
  torch::Tensor forward(const torch::Tensor& input, const ForwardContext& ctx);
  torch::Tensor forward(const torch::Tensor& input) { return forward(input, own_context()); }

  int64_t in_features, out_features;
};
TORCH_MODULE(SiteLinear);

}  // namespace peft::nn
