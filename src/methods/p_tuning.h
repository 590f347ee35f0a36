// P-tuning (Liu et al., 2021; HF PEFT's P_TUNING): virtual tokens produced by a prompt encoder (an MLP,
// or a bidirectional LSTM and an MLP: encoder_reparameterization_type), inserted at the template's places
// (before [CLS] as HF does, between the two texts, before the final separator). Only the encoder (and
// the head) train; the saved prompt_embeddings are its output, so inference needs no encoder.
#pragma once
#include "methods/prompt_encoder.h"
#include "methods/soft_prompt.h"

namespace peft::methods {

class PTuning : public PromptTableMethod {
 public:
  explicit PTuning(const nlohmann::json& config);
  const char* method_name() const override { return "p_tuning"; }
  const char* peft_type() const override { return "P_TUNING"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  nlohmann::json config_json() const override;
  int64_t positions_taken() const override { return prompt_.num_virtual_tokens; }

 private:
  PromptLearningConfig prompt_;
  PromptEncoderOptions encoder_;
  std::vector<Anchor> anchors_;
};

}  // namespace peft::methods
