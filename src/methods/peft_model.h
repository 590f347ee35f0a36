// A frozen base model with one method attached: decides what trains, counts parameters, and saves/loads
// the task part as an adapter directory (adapter_config.json + adapter_model.safetensors, HF PEFT layout)
// that records its base's fingerprint and refuses to load onto another base.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "methods/method.h"
#include "models/task_model.h"
#include "models/tensor_io.h"

namespace peft::methods {

// What the adapter's task is: saved with it, so eval/predict need no task options.
struct TaskInfo {
  models::TaskKind kind = models::TaskKind::SequenceClassification;
  std::vector<std::string> labels;  // class names in id order (empty for regression / MLM)
  int64_t max_length = 128;
  nlohmann::json to_json() const;
  static TaskInfo from_json(const nlohmann::json& j, const std::string& context);
};

struct ParameterCounts {
  int64_t base = 0;       // every tensor of the task model (backbone + head)
  int64_t added = 0;      // the method's own new tensors
  int64_t trainable = 0;  // added + base tensors that train (head, selected)
  double share() const { return double(trainable) / double(base + added); }
};

class PeftModel {
 public:
  PeftModel(models::TaskModel model, std::shared_ptr<Method> method);
  // Trainable tensors under their adapter-file names (own ones and trained base ones).
  NamedTensors trainable_tensors() const;
  ParameterCounts count_parameters() const;
  const std::string& base_fingerprint() const { return fingerprint_; }

  void save_adapter(const std::string& dir, const TaskInfo& task) const;
  // Reads an adapter directory written by save_adapter (or by HF PEFT for a method both have) onto `base`.
  static PeftModel load_adapter(models::TaskModel base, const std::string& dir);
  // Copies an adapter_model.safetensors into this model's trainable tensors (all of them must be there).
  void load_weights(const std::string& weights_path);

  models::TaskModel model;
  std::shared_ptr<Method> method;
  std::string base_model_name_or_path;  // as the user named the base: written to adapter_config.json

 private:
  std::string fingerprint_;
};

// Reads just the adapter's config and task, to build the right base model before load_adapter.
nlohmann::json read_adapter_config(const std::string& dir);
TaskInfo adapter_task(const std::string& dir, const nlohmann::json& config);

// 64-bit FNV-1a over the backbone's tensor names, shapes and values (the task head excluded), in hex.
std::string fingerprint(models::TaskModelImpl& model);

}  // namespace peft::methods
