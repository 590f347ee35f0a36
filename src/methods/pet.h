// PET (Schick & Schuetze, 2021): the task as cloze. The pattern turns each example into a text with one
// [MASK], and the masked-LM head scores the verbalizer's words there (models::TaskKind::Cloze). PET adds
// no tensors of its own: the cloze head (the checkpoint's MLM transform and output bias) trains as any
// task head, and in pet+lora or pet+prompt_tuning the other member learns through the cloze loss.
// Options: `cloze` (a JSON file, methods/cloze_spec.h) or `pattern` and `verbalizer` inline; the adapter
// keeps them inline, so `peft predict` needs nothing else.
#pragma once
#include "methods/cloze_spec.h"
#include "methods/method.h"

namespace peft::methods {

class Pet : public Method {
 public:
  explicit Pet(const nlohmann::json& config);
  const char* method_name() const override { return "pet"; }
  const char* peft_type() const override { return "PET"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  nlohmann::json config_json() const override { return spec_.to_json(); }
  const ClozeSpec* cloze() const override { return &spec_; }

 private:
  ClozeSpec spec_;
};

}  // namespace peft::methods
