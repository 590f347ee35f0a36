// Several methods on one base at once (AdapterHub's ConfigUnion, e.g. MAM = prefix + parallel adapter):
// named "a+b" (houlsby+lora), each member reading its own options under its name ({"lora": {"r": 2}},
// or `--set lora.r=2`). Members attach in order; their tensors must not share a name.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "methods/method.h"

namespace peft::methods {

class MethodUnion : public Method {
 public:
  // `config["methods"]` lists the members; `config[member]` holds each one's options.
  explicit MethodUnion(const nlohmann::json& config);
  const char* method_name() const override { return name_.c_str(); }
  const char* peft_type() const override { return "UNION"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  bool trains_base_tensor(const std::string& name) const override;
  NamedTensors own_tensors() const override;
  std::vector<RoledTensor> own_tensor_roles() const override;
  nlohmann::json config_json() const override;
  bool mergeable() const override;
  void use_tokenizer(const TextIds& text) override;
  int64_t prompt_copies() const override;
  int64_t positions_taken() const override;
  const ClozeSpec* cloze() const override;  // a member's (at most one member may be PET)
  // The lifecycle and saving reach every member, in order; their extra losses add up.
  void begin_step(int64_t step, int64_t total_steps) override;
  torch::Tensor extra_loss() override;
  void after_backward(int64_t step) override;
  void after_step(int64_t step) override;
  bool wants_two_passes() const override;
  torch::Tensor consistency_loss(const torch::Tensor& first_logits, const torch::Tensor& second) override;
  NamedTensors saved_tensors() const override;
  void load_saved(models::TensorMap& tensors, const std::string& context) override;

 private:
  std::string name_;  // the members' names joined by '+'
  std::vector<std::shared_ptr<Method>> members_;
};

// He et al.'s MAM adapter as AdapterHub's MAMConfig: prefix tuning (30 prefixes through an MLP of width 800)
// and a parallel adapter (ParBnConfig: scaling 4) at the MLP; `config` overrides under each member's name.
std::shared_ptr<Method> mam_adapter(const nlohmann::json& config);

}  // namespace peft::methods
