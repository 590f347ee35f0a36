// Runs a model over a task's data without gradients and scores it: accuracy / F1 / MCC for classes,
// Pearson / Spearman for scores, entity-level F1 for tags.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "methods/peft_model.h"
#include "train/task_data.h"

namespace peft::train {

struct Predictions {
  std::vector<torch::Tensor> logits;            // per example (CPU): [labels], [] or [tokens, labels]
  std::vector<int64_t> classes;                 // classification
  std::vector<double> scores;                   // regression
  std::vector<std::vector<std::string>> tags;   // tagging: per word (first piece), "O" past truncation
};

// `autocast`: forward passes in mixed precision (train/precision.h), as training ran. `prompt`: one prompt
// of an ensemble alone (every row runs its copy `prompt`), instead of the ensemble's average.
Predictions predict(models::TaskModelImpl& model, const TaskData& data, const methods::TaskInfo& task,
                    int64_t batch_size, const torch::Device& device, int64_t pad_id,
                    std::optional<torch::ScalarType> autocast = std::nullopt,
                    std::optional<int64_t> prompt = std::nullopt);
// Empty when the data has no labels.
std::map<std::string, double> score(const Predictions& predictions, const TaskData& data,
                                    const methods::TaskInfo& task);
// The metric early stopping and "best" follow: accuracy, pearson or entity_f1.
std::string default_metric(const methods::TaskInfo& task);

}  // namespace peft::train
