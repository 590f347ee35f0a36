// The invertible adapter of MAD-X (Pfeiffer et al. 2020), AdapterHub's inv_adapter "nice": a NICE
// coupling block on the embedding output, so bottleneck adapters can also re-map token representations
// (the hidden-state adapters cannot change what a token starts as). With x = [x1, x2] split in halves,
//   y1 = x1 + F(x2),  y2 = x2 + G(y1),
// F and G each Linear -> non-linearity -> Linear through half / reduction_factor dims. AdapterHub's init
// (BERT's: weights N(0, 0.02), zero biases) keeps the block near the identity at the start.
#pragma once
#include <string>

#include <torch/torch.h>

#include "nn/branch_site.h"

namespace peft::methods {

class NiceCouplingImpl : public torch::nn::Module, public nn::BranchHook {
 public:
  NiceCouplingImpl(int64_t hidden, double reduction_factor, std::string non_linearity);
  torch::Tensor apply(const torch::Tensor& embedded, const torch::Tensor& /*unused*/,
                      const nn::ForwardContext& ctx) override;
  torch::nn::Sequential F{nullptr}, G{nullptr};  // AdapterHub's names: F.0, F.2, G.0, G.2

 private:
  int64_t split_;  // x1's width, hidden / 2
};

}  // namespace peft::methods
