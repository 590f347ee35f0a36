// Methods that add no parameters and only choose which base tensors train: full fine-tuning (all of
// them, less any `frozen_modules`), BitFit (Ben Zaken et al., 2021: every bias term) and the head alone
// (a linear probe: the baseline every method must beat). The task head trains in all of them.
#pragma once
#include <set>
#include <string>

#include "methods/method.h"
#include "methods/module_selector.h"

namespace peft::methods {

class FullFineTuning : public Method {
 public:
  explicit FullFineTuning(const nlohmann::json& config);
  const char* method_name() const override { return "full"; }
  const char* peft_type() const override { return "FULL"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override;
  bool trains_base_tensor(const std::string& name) const override;
  nlohmann::json config_json() const override;

 private:
  ModuleSelector frozen_modules_;  // base modules left frozen, named as target_modules (e.g. word_embeddings)
  std::set<std::string> frozen_tensors_;  // what they hold, found at attach
};

class BitFit : public Method {
 public:
  explicit BitFit(const nlohmann::json& config);
  const char* method_name() const override { return "bitfit"; }
  const char* peft_type() const override { return "BITFIT"; }
  void attach(models::TaskModelImpl&, const std::string&) override {}
  bool trains_base_tensor(const std::string& name) const override;
  nlohmann::json config_json() const override { return nlohmann::json::object(); }
};

class HeadOnly : public Method {
 public:
  explicit HeadOnly(const nlohmann::json& config);
  const char* method_name() const override { return "head"; }
  const char* peft_type() const override { return "HEAD"; }
  void attach(models::TaskModelImpl&, const std::string&) override {}
  nlohmann::json config_json() const override { return nlohmann::json::object(); }
};

}  // namespace peft::methods
