// A frozen base model holding adapters by name, each with its own method, config and (optionally) head:
// decides what trains, counts parameters, and saves/loads one adapter as a directory (adapter_config.json
// + adapter_model.safetensors, HF PEFT layout) that records its base's fingerprint and refuses to load
// onto another base. One adapter is active: the one model->forward(inputs), training and saving use;
// context_for() and context_per_row() select others for a call, or one per row.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "methods/cloze_spec.h"
#include "methods/method.h"
#include "models/task_model.h"
#include "models/tensor_io.h"

namespace peft::methods {

// What the adapter's task is: saved with it, so eval/predict need no task options.
struct TaskInfo {
  models::TaskKind kind = models::TaskKind::SequenceClassification;
  std::vector<std::string> labels;  // class names in id order (empty for regression / MLM)
  int64_t max_length = 128;
  std::optional<ClozeSpec> cloze;   // a cloze task's pattern and verbalizer (saved by the PET method, not here)
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
  // The base with `method` attached as adapter `name` (HF PEFT's "default"), which becomes active and
  // trains the base's own head.
  PeftModel(models::TaskModel model, std::shared_ptr<Method> method, const std::string& name = "default");

  // ---- adapters by name ------------------------------------------------------------------------------
  // Attaches `method` as adapter `name` with `head`, or else a copy of the base's head as it was before
  // any adapter trained it. Two adapters may not train the same base tensor.
  void add_adapter(const std::string& name, std::shared_ptr<Method> method,
                   std::shared_ptr<models::TaskHead> head = nullptr);
  // Reads an adapter directory written by save_adapter (or by HF PEFT) onto this base as adapter `name`.
  void add_adapter_from(const std::string& name, const std::string& dir);
  void delete_adapter(const std::string& name);  // detaches it from every site; the active one cannot go
  std::vector<std::string> adapter_names() const;
  void set_adapter(const std::string& name);
  const std::string& active_adapter() const { return active_; }
  std::shared_ptr<Method> method_of(const std::string& name) const;
  // Contexts in this model's mode, every name checked here: row b runs row_adapters[b] ("" = the base
  // alone), or one adapter runs on every row.
  nn::ForwardContext context_per_row(const std::vector<std::string>& row_adapters) const;
  nn::ForwardContext context_for(const std::string& adapter) const;

  // ---- the active adapter ----------------------------------------------------------------------------
  // Trainable tensors under their adapter-file names (own ones, trained base ones, head).
  NamedTensors trainable_tensors() const;
  std::vector<RoledTensor> optimizer_tensors() const;  // the same with the roles the optimizer reads
  ParameterCounts count_parameters() const;
  // The task loss plus the method's extra term (training forwards only).
  torch::Tensor training_loss(const torch::Tensor& logits, const torch::Tensor& labels) const;
  // One training batch's loss: `forward` (the model on the batch) run once, or twice with the method's
  // consistency term when it asks for two passes.
  torch::Tensor step_loss(const std::function<torch::Tensor()>& forward, const torch::Tensor& labels) const;
  const std::string& base_fingerprint() const { return fingerprint_; }

  void save_adapter(const std::string& dir, const TaskInfo& task) const;
  // Reads an adapter directory onto `base` as its only adapter.
  static PeftModel load_adapter(models::TaskModel base, const std::string& dir);
  // Copies an adapter_model.safetensors into this adapter's trainable tensors (all of them must be there).
  void load_weights(const std::string& weights_path);

  models::TaskModel model;
  std::shared_ptr<Method> method;  // the active adapter's
  std::string base_model_name_or_path;  // as the user named the base: written to adapter_config.json

 private:
  struct Adapter {
    std::string name;
    std::shared_ptr<Method> method;
    std::shared_ptr<models::TaskHead> head;  // null: the base's own head
  };
  PeftModel(models::TaskModel model, std::string fingerprint);
  const Adapter& adapter(const std::string& name) const;
  bool trains(const Adapter& a, const std::string& base_tensor) const;  // a model tensor, by name

  std::vector<Adapter> adapters_;
  models::TensorMap original_head_;  // the base's head before any training: later adapters copy it
  std::string active_;
  std::string fingerprint_;
};

// Reads just the adapter's config and task, to build the right base model before load_adapter.
nlohmann::json read_adapter_config(const std::string& dir);
TaskInfo adapter_task(const std::string& dir, const nlohmann::json& config);

// "xxh3:<hex>" over the backbone's tensor names, shapes and fp32 values (the task head excluded).
std::string fingerprint(models::TaskModelImpl& model);

}  // namespace peft::methods
