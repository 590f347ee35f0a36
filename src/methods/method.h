// A PEFT method: one class that reads its typed config, creates its own parameters, attaches them at the
// model's sites, says which base tensors also train, and names its tensors for the adapter file.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "models/task_model.h"

namespace peft::methods {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

class Method : public torch::nn::Module {
 public:
  virtual const char* method_name() const = 0;  // registry name, e.g. "lora"
  virtual const char* peft_type() const = 0;    // adapter_config.json "peft_type", e.g. "LORA"
  // Creates the method's parameters for this model and attaches them at its sites; called once.
  virtual void attach(models::TaskModelImpl& model) = 0;
  // Base tensors (by HF name) the method trains besides its own; the task head always trains.
  virtual bool trains_base_tensor(const std::string& /*name*/) const { return false; }
  // The method's own tensors under the names they take in adapter_model.safetensors (without the
  // "base_model.model." root).
  virtual NamedTensors own_tensors() const { return {}; }
  virtual nlohmann::json config_json() const = 0;  // the method's fields of adapter_config.json
  // True when every delta folds into the frozen weights, so a merged model runs at base cost.
  virtual bool mergeable() const { return false; }
};

}  // namespace peft::methods
