// The "branch site" after a sublayer (attention or MLP) and before its residual add + LayerNorm: serial
// adapters transform the sublayer output there, parallel adapters add a function of the sublayer input.
// The same kind of site sits on the embedding output (MAD-X's invertible adapter).
#pragma once
#include <memory>
#include <string>

#include <torch/torch.h>

#include "core/profile_scope.h"
#include "nn/adapter_list.h"

namespace peft::nn {

struct BranchHook {
  virtual ~BranchHook() = default;
  // Returns the new sublayer output; `sublayer_input` is what the residual connection carries.
  virtual torch::Tensor apply(const torch::Tensor& sublayer_output, const torch::Tensor& sublayer_input,
                              const ForwardContext& ctx) = 0;
};

class BranchSite {
 public:
  torch::Tensor apply(torch::Tensor sublayer_output, const torch::Tensor& sublayer_input,
                      const ForwardContext& ctx) {
    if (hooks_.size() == 0) return sublayer_output;
    PEFT_PROFILE_SCOPE(profile::kAdapter);
    auto run = [&](auto& e, const torch::Tensor& x) { return e.item->apply(x, sublayer_input, ctx); };
    if (ctx.adapters.is_per_row()) return hooks_.per_row(ctx.adapters, sublayer_output, run);
    for (auto& e : hooks_.entries())
      if (ctx.adapters.uses(e.adapter)) sublayer_output = run(e, sublayer_output);
    return sublayer_output;
  }
  void attach(const std::string& adapter, std::shared_ptr<BranchHook> hook) { hooks_.add(adapter, std::move(hook)); }
  void detach(const std::string& adapter) { hooks_.remove(adapter); }
  void detach_all() { hooks_.clear(); }
  size_t size() const { return hooks_.size(); }

 private:
  AdapterList<BranchHook> hooks_;
};

}  // namespace peft::nn
