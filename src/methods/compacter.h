// Compacter (Karimi Mahabadi et al., 2021; AdapterHub's CompacterConfig / CompacterPlusPlusConfig): bottleneck
// adapters whose two projections are PHM layers, W = Σ_i A_i ⊗ B_i over phm_dim terms, with the n×n "slow"
// rules A_i shared by every adapter of the model and each B_i a rank-phm_rank product s_i·t_i ("fast",
// per adapter). Compacter sits after attention and after the MLP; Compacter++ after the MLP only.
#pragma once
#include "methods/method.h"
#include "methods/method_config.h"
#include "models/activation.h"
#include "nn/branch_site.h"

namespace peft::methods {

struct CompacterConfig {
  int64_t bottleneck = 0;        // m; 0 = hidden_size / reduction_factor
  double reduction_factor = 32;  // AdapterHub's default
  std::string non_linearity = "gelu";
  int64_t phm_dim = 4;   // n: terms of the sum, and the rules' size; divides the width and m
  int64_t phm_rank = 1;  // rank of each B_i
  bool shared_phm_rule = true;  // false: each adapter has its own rules
  double phm_init_range = 1e-4;  // the rules start ~ N(0, phm_init_range): the adapter adds ~0 at init
  bool mh_adapter = true, output_adapter = true;
  static CompacterConfig read(MethodConfig& config, bool plus_plus);
};

// One PHM projection in -> out: W [in, out] built each forward from the rules and its own factors.
class PhmLinearImpl : public torch::nn::Module {
 public:
  PhmLinearImpl(int64_t in, int64_t out, const CompacterConfig& config, torch::Tensor rule);
  torch::Tensor forward(const torch::Tensor& x);
  torch::Tensor weight() const;  // Σ_i A_i ⊗ (s_i·t_i)
  torch::Tensor rule, s, t, bias;  // [n, n, n] (shared or own), [n, in/n, r], [n, r, out/n], [out]
};
TORCH_MODULE(PhmLinear);

class CompacterAdapterImpl : public torch::nn::Module, public nn::BranchHook {
 public:
  CompacterAdapterImpl(int64_t hidden, const CompacterConfig& config, const torch::Tensor& down_rule,
                       const torch::Tensor& up_rule);
  torch::Tensor apply(const torch::Tensor& sublayer_output, const torch::Tensor& sublayer_input,
                      const nn::ForwardContext& ctx) override;
  PhmLinear down{nullptr}, up{nullptr};

 private:
  models::Activation non_linearity_;
};

class Compacter : public Method {
 public:
  Compacter(const nlohmann::json& config, bool plus_plus);
  const char* method_name() const override { return plus_plus_ ? "compacterpp" : "compacter"; }
  const char* peft_type() const override { return plus_plus_ ? "COMPACTER_PLUS_PLUS" : "COMPACTER"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  NamedTensors own_tensors() const override;
  nlohmann::json config_json() const override;

 private:
  bool plus_plus_;
  CompacterConfig config_;
  torch::Tensor down_rule_, up_rule_;  // the shared rules (undefined unless shared_phm_rule)
  std::vector<std::pair<std::string, std::shared_ptr<CompacterAdapterImpl>>> adapters_;  // by branch-site path
};

}  // namespace peft::methods
