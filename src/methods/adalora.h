// AdaLoRA (Zhang et al., 2023; HF PEFT's AdaLoraConfig): each target's update is SVD-shaped, P·Λ·Q (HF's
// lora_B, lora_E, lora_A), with a penalty keeping P and Q orthogonal. Every rank's importance (sensitivity
// |θ·∇θ| smoothed by β1 times its uncertainty smoothed by β2) decides which singular values survive as the
// total rank budget falls on a cubic schedule from init_r to target_r per module between tinit and
// total_step − tfinal; pruned singular values are held at zero. Saved in HF's layout: the kept ranks only,
// and `rank_pattern` naming them.
#pragma once
#include <map>

#include "methods/method.h"
#include "methods/method_config.h"
#include "methods/module_selector.h"
#include "nn/site.h"

namespace peft::methods {

struct AdaLoraConfig {
  int64_t init_r = 12, target_r = 8;
  int64_t tinit = 0, tfinal = 0, deltaT = 1;
  int64_t total_step = 0;  // 0: the trainer's number of steps
  double beta1 = 0.85, beta2 = 0.85, orth_reg_weight = 0.5;
  double lora_alpha = 8, lora_dropout = 0;
  ModuleSelector target_modules, modules_to_save;
  std::map<std::string, std::vector<bool>> rank_pattern;  // "<module>.lora_E" -> kept ranks (of init_r)
  static AdaLoraConfig read(MethodConfig& config);
};

// The total rank budget at `step` and whether ranks are masked then (HF's RankAllocator.budget_schedule).
struct RankBudget {
  int64_t budget;
  bool mask;
};
RankBudget adalora_budget(int64_t step, int64_t init_budget, int64_t target_budget, const AdaLoraConfig& config,
                          int64_t total_step);

class AdaLoraDeltaImpl : public torch::nn::Module, public nn::LinearDelta {
 public:
  AdaLoraDeltaImpl(int64_t in, int64_t out, const AdaLoraConfig& config);
  torch::Tensor apply(const torch::Tensor& input, const torch::Tensor& output, const nn::ForwardContext& ctx) override;
  bool mergeable() const override { return true; }
  void merge(torch::Tensor& weight, torch::Tensor& bias) override;
  void unmerge(torch::Tensor& weight, torch::Tensor& bias) override;
  torch::Tensor update_weight() const;  // B·(A ⊙ E)·alpha / init_r
  torch::Tensor lora_A, lora_E, lora_B;  // [r, in], [r, 1], [out, r]
  torch::Tensor kept;                    // [r] bool: the ranks not pruned

 private:
  double scaling_, dropout_;
};

class AdaLora : public Method {
 public:
  explicit AdaLora(const nlohmann::json& config);
  const char* method_name() const override { return "adalora"; }
  const char* peft_type() const override { return "ADALORA"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  bool trains_base_tensor(const std::string& name) const override;
  NamedTensors own_tensors() const override;
  std::vector<RoledTensor> own_tensor_roles() const override;
  nlohmann::json config_json() const override;
  bool mergeable() const override { return true; }

  void begin_step(int64_t step, int64_t total_steps) override;
  // orth_reg_weight × the mean over every P and Q of ||PᵀP − I||_F (HF's regu_loss).
  torch::Tensor extra_loss() override;
  void after_step(int64_t step) override;

  // Kept ranks only, as HF's resize_state_dict_by_rank_pattern; loading puts them back in place.
  NamedTensors saved_tensors() const override;
  void load_saved(models::TensorMap& tensors, const std::string& context) override;

  // Prunes the ranks of lowest importance so that `budget` survive in all (HF's mask_to_budget).
  void mask_to_budget(int64_t budget);
  int64_t kept_ranks() const;

 private:
  void update_importance();
  void apply_masks();
  bool pruned() const;

  AdaLoraConfig config_;
  int64_t total_step_ = 0;
  std::vector<std::pair<std::string, std::shared_ptr<AdaLoraDeltaImpl>>> deltas_;  // by site path
  // Smoothed sensitivity and uncertainty per tensor, by own_tensors() name.
  std::map<std::string, torch::Tensor> sensitivity_, uncertainty_;
};

}  // namespace peft::methods
