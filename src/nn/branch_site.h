// The "branch site" after a sublayer (attention or MLP) and before its residual add + LayerNorm: serial
// adapters transform the sublayer output there, parallel adapters add a function of the sublayer input.
#pragma once
#include <memory>
#include <vector>

#include <torch/torch.h>

namespace peft::nn {

struct BranchHook {
  virtual ~BranchHook() = default;
  // Returns the new sublayer output; `sublayer_input` is what the residual connection carries.
  virtual torch::Tensor apply(const torch::Tensor& sublayer_output, const torch::Tensor& sublayer_input) = 0;
};

class BranchSite {
 public:
  torch::Tensor apply(torch::Tensor sublayer_output, const torch::Tensor& sublayer_input) const {
    for (const auto& hook : hooks_) sublayer_output = hook->apply(sublayer_output, sublayer_input);
    return sublayer_output;
  }
  void attach(std::shared_ptr<BranchHook> hook) { hooks_.push_back(std::move(hook)); }
  void detach_all() { hooks_.clear(); }
  size_t size() const { return hooks_.size(); }

 private:
  std::vector<std::shared_ptr<BranchHook>> hooks_;
};

}  // namespace peft::nn
