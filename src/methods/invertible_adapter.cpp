#include "methods/invertible_adapter.h"

#include "core/error.h"
#include "models/activation.h"

namespace peft::methods {
namespace {

torch::nn::Sequential coupling_net(int64_t in, int64_t out, double reduction_factor, const std::string& act) {
  const auto mid = std::max<int64_t>(1, int64_t(out / reduction_factor));  // AdapterHub: int(out // factor)
  return torch::nn::Sequential(torch::nn::Linear(in, mid), torch::nn::Functional(models::activation_for(act)),
                               torch::nn::Linear(mid, out));
}

}  // namespace

NiceCouplingImpl::NiceCouplingImpl(int64_t hidden, double reduction_factor, std::string non_linearity)
    : split_(hidden / 2) {
  require(hidden >= 2, "inv_adapter: the hidden size must be at least 2");
  F = register_module("F", coupling_net(hidden - split_, split_, reduction_factor, non_linearity));
  G = register_module("G", coupling_net(split_, hidden - split_, reduction_factor, non_linearity));
  torch::NoGradGuard no_grad;
  for (auto& p : parameters()) p.dim() == 1 ? p.zero_() : p.normal_(0.0, 0.02);
}

torch::Tensor NiceCouplingImpl::apply(const torch::Tensor& x, const torch::Tensor&, const nn::ForwardContext&) {
  const auto x1 = x.narrow(-1, 0, split_), x2 = x.narrow(-1, split_, x.size(-1) - split_);
  auto y1 = x1 + F->forward(x2);
  auto y2 = x2 + G->forward(y1);
  return torch::cat({y1, y2}, -1);
}

}  // namespace peft::methods
