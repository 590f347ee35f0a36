// What every site that PEFT methods change shares: a frozen weight (and bias), the deltas attached to it in
// order, and folding the mergeable ones into the weight and back out. Linear layers and embedding tables
// are sites (site_linear.h, site_embedding.h); an embedding is the linear map of one-hot token ids.
#pragma once
#include <memory>
#include <vector>

#include <torch/torch.h>

namespace peft::nn {

// One method's change to a site (LoRA's BA, (IA)^3's scaling, a sparse diff, ...). The method owns the
// parameters; the site only calls it.
struct LinearDelta {
  virtual ~LinearDelta() = default;
  // `input` is the site's input (token ids at an embedding site); `output` is its output so far (frozen
  // part plus earlier deltas); returns it with this delta. `training` is the site's mode (the delta's own
  // module is not under the model, so model->eval() never reaches it): dropout and the like must follow it.
  virtual torch::Tensor apply(const torch::Tensor& input, const torch::Tensor& output, bool training) = 0;
  virtual bool mergeable() const { return false; }
  // Fold into / out of the frozen tensors in place (called under NoGradGuard). The weight is the site's
  // own: [out, in] for a linear layer, [num_embeddings, dim] for an embedding (which has no bias).
  virtual void merge(torch::Tensor& /*weight*/, torch::Tensor& /*bias*/) {}
  virtual void unmerge(torch::Tensor& /*weight*/, torch::Tensor& /*bias*/) {}
};

class SiteBase : public torch::nn::Module {
 public:
  void attach(std::shared_ptr<LinearDelta> delta);
  void detach_all();
  // Folds every mergeable delta into weight/bias (they stop running in forward) or takes them back out.
  void merge();
  void unmerge();
  size_t num_deltas() const { return deltas_.size(); }

  torch::Tensor weight, bias;  // HF names: <path>.weight, <path>.bias (undefined when the site has none)

 protected:
  torch::Tensor apply_deltas(const torch::Tensor& input, torch::Tensor output);  // the unmerged ones

 private:
  struct Attached {
    std::shared_ptr<LinearDelta> delta;
    bool merged = false;
  };
  std::vector<Attached> deltas_;  // not registered: the method that made them saves them
};

}  // namespace peft::nn
