// What every site that PEFT methods change shares: a frozen weight (and bias), the deltas attached to it
// under their adapters' names, and folding the mergeable ones into the weight and back out. Linear layers
// and embedding tables are sites (site_linear.h, site_embedding.h); an embedding is the linear map of
// one-hot token ids.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "nn/adapter_list.h"
#include "nn/forward_context.h"

namespace peft::nn {

// One method's change to a site (LoRA's BA, (IA)^3's scaling, a sparse diff, ...). The method owns the
// parameters; the site only calls it.
struct LinearDelta {
  virtual ~LinearDelta() = default;
  // `input` is the site's input (token ids at an embedding site); `output` is its output so far (frozen
  // part plus earlier deltas); returns it with this delta. Dropout and the like follow ctx.training.
  virtual torch::Tensor apply(const torch::Tensor& input, const torch::Tensor& output, const ForwardContext& ctx) = 0;
  // A mixed batch in one pass: `peers[j]` is the delta adapter j of the selection has here (null: none; all
  // others batch_with this one), rows[b] row b's adapter (-1: none). Only called when batches_with holds.
  virtual bool batches_with(const LinearDelta& /*other*/) const { return false; }
  virtual torch::Tensor apply_rows(const torch::Tensor& input, const torch::Tensor& output,
                                   const std::vector<LinearDelta*>& peers, const torch::Tensor& rows,
                                   const ForwardContext& ctx);
  virtual bool mergeable() const { return false; }
  // A scale of the site's input in place of a change of its output ((IA)^3 on a feed-forward layer): the
  // site multiplies its input by it before the frozen product, and apply() is not called, except in a
  // mixed batch, where apply() must give the same result from the unscaled input. Undefined: none.
  virtual torch::Tensor input_scale() const { return {}; }
  // Fold into / out of the frozen tensors in place (called under NoGradGuard). The weight is the site's
  // own: [out, in] for a linear layer, [num_embeddings, dim] for an embedding (which has no bias).
  virtual void merge(torch::Tensor& /*weight*/, torch::Tensor& /*bias*/) {}
  virtual void unmerge(torch::Tensor& /*weight*/, torch::Tensor& /*bias*/) {}
};

class SiteBase : public torch::nn::Module {
 public:
  void attach(const std::string& adapter, std::shared_ptr<LinearDelta> delta);
  void detach(const std::string& adapter);  // unmerges its deltas first
  void detach_all();
  // Folds every mergeable delta into weight/bias (they stop running in forward) or takes them back out.
  void merge();
  void unmerge();
  size_t num_deltas() const { return deltas_.size(); }
  std::vector<std::string> adapters() const { return deltas_.adapters(); }

  torch::Tensor weight, bias;  // HF names: <path>.weight, <path>.bias (undefined when the site has none)

 protected:
  // The input times the input_scale() of every unmerged delta the context selects, in a batch that is not
  // mixed; apply_deltas then leaves those deltas out.
  torch::Tensor scaled_input(const torch::Tensor& input, const ForwardContext& ctx) const;
  // The unmerged deltas the context selects. A merged delta changed the weight every row sees, so a call
  // that does not run its adapter on every row is refused.
  torch::Tensor apply_deltas(const torch::Tensor& input, torch::Tensor output, const ForwardContext& ctx);
  // The context of a call without one: this site's mode, every attached adapter.
  ForwardContext own_context() const;

 private:
  AdapterList<LinearDelta> deltas_;  // not registered: the method that made them saves them
};

}  // namespace peft::nn
