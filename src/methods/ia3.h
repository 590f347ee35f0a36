// (IA)^3 (Liu et al., 2022): learned vectors that rescale chosen linear layers, as HF PEFT's IA3. On a
// target layer the vector scales the output (keys and values: [out, 1]); on a feed-forward layer it
// scales the input ([1, in]). It starts at one (the base model) and folds into the weight, so a merged
// model runs at base cost.
#pragma once
#include "methods/method.h"
#include "methods/method_config.h"
#include "methods/module_selector.h"
#include "nn/site.h"

namespace peft::methods {

struct Ia3Config {
  ModuleSelector target_modules;       // layers whose output (or, for feed-forward ones, input) is scaled
  ModuleSelector feedforward_modules;  // the targets scaled on the input side; a subset of target_modules
  ModuleSelector modules_to_save;
  bool init_ia3_weights = true;  // false: N(0, 1) vectors, as HF (for tests; training starts off the base)
  static Ia3Config read(MethodConfig& config);
};

class Ia3DeltaImpl : public torch::nn::Module, public nn::LinearDelta {
 public:
  // `weight` is the site's frozen weight: an input-side scale needs it, since W(l x) = W x + W((l - 1) x).
  Ia3DeltaImpl(const torch::Tensor& weight, bool feedforward, bool init_ones);
  torch::Tensor apply(const torch::Tensor& input, const torch::Tensor& output, const nn::ForwardContext& ctx) override;
  // On a feed-forward layer the site scales its input (one product, as HF); apply() serves mixed batches.
  torch::Tensor input_scale() const override { return feedforward_ ? ia3_l.view(-1) : torch::Tensor(); }
  bool mergeable() const override { return true; }
  void merge(torch::Tensor& weight, torch::Tensor& bias) override;
  void unmerge(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor ia3_l;  // [out, 1], or [1, in] on a feed-forward layer: HF's shapes

 private:
  torch::Tensor weight_;
  bool feedforward_;
};

class Ia3 : public Method {
 public:
  explicit Ia3(const nlohmann::json& config);
  const char* method_name() const override { return "ia3"; }
  const char* peft_type() const override { return "IA3"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  bool trains_base_tensor(const std::string& name) const override;
  NamedTensors own_tensors() const override;
  // Scales, as a LayerNorm's weight: no weight decay, which would pull them towards zero, not towards one.
  std::vector<RoledTensor> own_tensor_roles() const override;
  nlohmann::json config_json() const override;
  bool mergeable() const override { return true; }

 private:
  Ia3Config config_;
  std::vector<std::pair<std::string, std::shared_ptr<Ia3DeltaImpl>>> deltas_;  // by site path
};

}  // namespace peft::methods
