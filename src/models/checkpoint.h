// Loading and saving whole models in HF layout (config.json + model.safetensors): tensors matched by
// name, missing head tensors initialised and reported, anything else missing or mis-shaped is an error.
#pragma once
#include <string>
#include <vector>

#include "models/task_model.h"
#include "models/tensor_io.h"

namespace peft::models {

struct LoadReport {
  std::vector<std::string> initialised;  // missing from the file, freshly initialised (task head)
  std::vector<std::string> unexpected;   // in the file, not in the model (e.g. another task's head)
};

// Copies `tensors` into the module's parameters by name (converted to the parameter's dtype). Names may
// carry or lack the backbone prefix (a bare BertModel checkpoint). Missing names must pass `may_be_missing`.
LoadReport load_state(torch::nn::Module& module, const TensorMap& tensors, const std::string& file,
                      const std::string& backbone_prefix, const std::function<bool(const std::string&)>& may_be_missing);

struct ModelSpec {
  TaskKind kind = TaskKind::SequenceClassification;
  int64_t num_labels = 0;  // 0: take it from config.json's id2label (or 2)
  uint64_t seed = 0;       // for the fresh head's initialisation
  ClozeTokens cloze;       // a cloze task's verbalizer (its labels replace num_labels)
};

// A cloze task needs the checkpoint's masked-LM head: its absence is an error, not a fresh head.
TaskModel load_task_model(const std::string& model_dir, const ModelSpec& spec, LoadReport* report = nullptr);
// Writes config.json (with HF's architectures / id2label for the head) + model.safetensors; tied MLM
// decoder weights are not stored (as HF does).
void save_task_model(const std::string& dir, TaskModel& model, const std::vector<std::string>& labels = {});
TensorMap state_tensors(torch::nn::Module& module);  // parameters by name (no copies)

}  // namespace peft::models
