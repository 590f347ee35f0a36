// Prefix tuning (Li & Liang, 2021; HF PEFT's PREFIX_TUNING): num_virtual_tokens trainable key/value rows
// before every layer's attention, optionally reparameterised through an MLP while training
// (prefix_projection, encoder_hidden_size) and folded into plain rows after. P-tuning v2 (Liu et al.,
// 2021; P_TUNING_V2) is the same deep prompt at every layer without the reparameterisation, for
// classification and sequence labelling alike.
#pragma once
#include "methods/prompt_encoder.h"
#include "methods/soft_prompt.h"

namespace peft::methods {

class PrefixTuning : public PromptTableMethod {
 public:
  PrefixTuning(const nlohmann::json& config, bool v2);
  const char* method_name() const override { return v2_ ? "p_tuning_v2" : "prefix_tuning"; }
  const char* peft_type() const override { return v2_ ? "P_TUNING_V2" : "PREFIX_TUNING"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  nlohmann::json config_json() const override;
  int64_t positions_taken() const override { return prompt_.num_virtual_tokens; }

 private:
  PromptLearningConfig prompt_;
  bool projection_ = false;
  int64_t encoder_hidden_ = 0;
  bool v2_;
};

}  // namespace peft::methods
