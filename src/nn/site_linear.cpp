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

torch::Tensor SiteLinearImpl::forward(const torch::Tensor& input) {
  auto output = torch::nn::functional::linear(input, weight, bias);
  for (auto& a : deltas_)
    if (!a.merged) output = a.delta->apply(input, output, is_training());
  return output;
}

void SiteLinearImpl::attach(std::shared_ptr<LinearDelta> delta) { deltas_.push_back({std::move(delta), false}); }

void SiteLinearImpl::detach_all() {
  unmerge();
  deltas_.clear();
}

void SiteLinearImpl::merge() {
  torch::NoGradGuard no_grad;
  for (auto& a : deltas_)
    if (a.delta->mergeable() && !a.merged) {
      a.delta->merge(weight, bias);
      a.merged = true;
    }
}

void SiteLinearImpl::unmerge() {
  torch::NoGradGuard no_grad;
  // Reverse order: multiplicative and additive deltas only commute when undone last-in first-out.
  for (auto it = deltas_.rbegin(); it != deltas_.rend(); ++it)
    if (it->merged) {
      it->delta->unmerge(weight, bias);
      it->merged = false;
    }
}

}  // namespace peft::nn
