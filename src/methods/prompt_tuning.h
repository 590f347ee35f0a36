// Prompt tuning (Lester et al., 2021; HF PEFT's PROMPT_TUNING): num_virtual_tokens trainable vectors
// before the input, initialised at random, from sampled vocabulary embeddings or from a text's tokens
// (HF's PromptTuningInit). As an ensemble (PROMPT_ENSEMBLE), num_prompts such prompts for one task train
// in the same batches, one row per prompt copy, and predictions average their probabilities.
#pragma once
#include "methods/soft_prompt.h"

namespace peft::methods {

class PromptTuning : public Method {
 public:
  PromptTuning(const nlohmann::json& config, bool ensemble);
  const char* method_name() const override { return ensemble_ ? "prompt_ensemble" : "prompt_tuning"; }
  const char* peft_type() const override { return ensemble_ ? "PROMPT_ENSEMBLE" : "PROMPT_TUNING"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  NamedTensors own_tensors() const override { return {{"prompt_embeddings", embeddings}}; }
  nlohmann::json config_json() const override;
  int64_t positions_taken() const override { return prompt_.num_virtual_tokens; }
  FileRoots file_roots() const override { return prompt_file_roots(); }
  void use_tokenizer(const TextIds& text) override { text_ = text; }
  int64_t prompt_copies() const override { return num_prompts_; }

  torch::Tensor embeddings;  // [num_prompts * num_virtual_tokens, H]: prompt k is rows k·n .. (k+1)·n - 1

 private:
  PromptLearningConfig prompt_;
  std::string init_, init_text_;
  int64_t num_prompts_ = 1;
  bool ensemble_;
  TextIds text_;
};

}  // namespace peft::methods
