// A frozen linear projection that PEFT methods attach to (the "linear site"): each attached delta adds
// to or rescales the output, and can be folded into the frozen weight when its maths allows.
#pragma once
#include <memory>
#include <vector>

#include <torch/torch.h>

namespace peft::nn {

// One method's change to a linear layer (LoRA's BA, (IA)^3's scaling, a sparse diff, ...). The method owns
// the parameters; the site only calls it.
struct LinearDelta {
  virtual ~LinearDelta() = default;
  // `output` is the layer's output so far (frozen part plus earlier deltas); returns it with this delta.
  // `training` is the layer's mode (the delta's own module is not under the model, so model->eval() never
  // reaches it): dropout and the like must follow it.
  virtual torch::Tensor apply(const torch::Tensor& input, const torch::Tensor& output, bool training) = 0;
  virtual bool mergeable() const { return false; }
  // Fold into / out of the frozen tensors in place (called under NoGradGuard).
  virtual void merge(torch::Tensor& /*weight*/, torch::Tensor& /*bias*/) {}
  virtual void unmerge(torch::Tensor& /*weight*/, torch::Tensor& /*bias*/) {}
};

class SiteLinearImpl : public torch::nn::Module {
 public:
  SiteLinearImpl(int64_t in_features, int64_t out_features, bool with_bias = true);
  torch::Tensor forward(const torch::Tensor& input);

  void attach(std::shared_ptr<LinearDelta> delta);
  void detach_all();
  // Folds every mergeable delta into weight/bias (they stop running in forward) or takes them back out.
  void merge();
  void unmerge();
  size_t num_deltas() const { return deltas_.size(); }

  int64_t in_features, out_features;
  torch::Tensor weight, bias;  // HF names: <path>.weight, <path>.bias

 private:
  struct Attached {
    std::shared_ptr<LinearDelta> delta;
    bool merged = false;
  };
  std::vector<Attached> deltas_;  // not registered: the method that made them saves them
};
TORCH_MODULE(SiteLinear);

}  // namespace peft::nn
