// AdaMix (Wang et al., 2022), as the survey describes it: every adapter site holds N experts (N down- and N
// up-projections); each training forward routes through one random down and one random up expert per site
// (no router), two passes per batch with a symmetric-KL consistency loss between them, and inference uses
// the experts' averaged weights: one adapter's cost, and what the adapter file stores (as a Pfeiffer-shaped
// adapter, so a resumed run starts every expert from that average).
#pragma once
#include "methods/method.h"
#include "methods/method_config.h"
#include "models/activation.h"
#include "nn/branch_site.h"

namespace peft::methods {

struct AdaMixConfig {
  int64_t num_experts = 4;
  int64_t bottleneck = 0;        // m; 0 = hidden_size / reduction_factor
  double reduction_factor = 16;
  std::string non_linearity = "relu";
  bool mh_adapter = false, output_adapter = true;
  double consistency_weight = 1;  // 0: one pass per batch, no consistency loss
  // "independent": a draw each (the paper's separate layers); "same": every expert starts as one draw, so
  // their average is a point they all moved from (topic, seed 42: dev 75.10 against 75.55 independent).
  std::string expert_init = "independent";
  static AdaMixConfig read(MethodConfig& config);
};

// The symmetric KL divergence KL(p‖q) + KL(q‖p) between the softmaxes of two passes' logits, averaged over
// rows (and positions); for a single output (regression) the squared difference.
torch::Tensor symmetric_kl(const torch::Tensor& first_logits, const torch::Tensor& second_logits);

class MixtureAdapterImpl : public torch::nn::Module, public nn::BranchHook {
 public:
  MixtureAdapterImpl(int64_t hidden, const AdaMixConfig& config);
  torch::Tensor apply(const torch::Tensor& sublayer_output, const torch::Tensor& sublayer_input,
                      const nn::ForwardContext& ctx) override;
  torch::Tensor down_weight, down_bias, up_weight, up_bias;  // [N, m, d], [N, m], [N, d, m], [N, d]

 private:
  models::Activation non_linearity_;
};

class AdaMix : public Method {
 public:
  explicit AdaMix(const nlohmann::json& config);
  const char* method_name() const override { return "adamix"; }
  const char* peft_type() const override { return "ADAMIX"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  NamedTensors own_tensors() const override;
  nlohmann::json config_json() const override;
  bool wants_two_passes() const override { return config_.consistency_weight > 0; }
  torch::Tensor consistency_loss(const torch::Tensor& first_logits, const torch::Tensor& second) override;
  NamedTensors saved_tensors() const override;  // the experts' means, under Pfeiffer's names
  void load_saved(models::TensorMap& tensors, const std::string& context) override;

 private:
  AdaMixConfig config_;
  std::vector<std::pair<std::string, std::shared_ptr<MixtureAdapterImpl>>> adapters_;  // by branch-site path
};

}  // namespace peft::methods
