#include "nn/site_linear.h"

#include <cmath>

namespace peft::nn {

SiteLinearImpl::SiteLinearImpl(int64_t in, int64_t out, bool with_bias) : in_features(in), out_features(out) {
  weight = register_parameter("weight", torch::empty({out, in}));
  if (with_bias) bias = register_parameter("bias", torch::zeros({out}));
  // torch.nn.Linear's default init, so a fresh layer behaves like HF's before its own init runs.
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(weight, std::sqrt(5.0));
}

torch::Tensor SiteLinearImpl::forward(const torch::Tensor& input, const ForwardContext& ctx) {
  return apply_deltas(input, torch::nn::functional::linear(scaled_input(input, ctx), weight, bias), ctx);
}

}  // namespace peft::nn
