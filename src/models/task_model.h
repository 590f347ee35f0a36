// A backbone plus its task heads: the model every method, trainer and command works on. Parameter names
// are HF's (bert.encoder.layer.0..., classifier.weight) so HF checkpoints load by name. The model's own
// head is the checkpoint's; an adapter may bring its own (heads by adapter name), and each call picks
// heads by the adapters its context selects.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/backbone.h"
#include "models/heads.h"
#include "models/model_config.h"
#include "models/task.h"
#include "models/tensor_io.h"

namespace peft::models {

class TaskModelImpl : public torch::nn::Module {
 public:
  // A cloze task (PET) scores `cloze`'s words, one label per entry.
  TaskModelImpl(ModelConfig config, TaskKind kind, int64_t num_labels, ClozeTokens cloze = {});
  // Logits: [B, labels] (classification, cloze), [B] (regression), [B, L, labels] (tagging), [B, L, vocab] (MLM).
  // Without a context: this model's mode and its default adapters (set_default_adapters).
  torch::Tensor forward(const ModelInputs& inputs);
  torch::Tensor forward(const ModelInputs& inputs, nn::ForwardContext ctx);
  nn::ForwardContext default_context() const;
  void set_default_adapters(nn::AdapterSelection selection) { default_adapters_ = std::move(selection); }
  // An ensemble: each example runs as `copies` rows, copy k with its adapter's prompt k (ctx.prompt_rows).
  // Training forwards return every copy's logits ([B * copies, ...]; loss() repeats the labels to match),
  // evaluation the copies' mean probability, as log-probabilities (regression: the mean score). A context
  // that names prompt_rows runs as it says.
  void set_row_copies(int64_t copies);
  int64_t row_copies() const { return copies_; }
  // Mean loss over labelled items; token and MLM labels use -100 for "not scored", as HF does.
  torch::Tensor loss(const torch::Tensor& logits, const torch::Tensor& labels) const;

  // The adapters this base holds (their owner keeps them; the base knows their names to refuse a second owner).
  void add_adapter_name(const std::string& adapter) { adapter_names_.push_back(adapter); }
  void remove_adapter_name(const std::string& adapter);
  const std::vector<std::string>& adapter_names() const { return adapter_names_; }
  // Heads by adapter name; an adapter without one uses the model's own `head`.
  void set_adapter_head(const std::string& adapter, std::shared_ptr<TaskHead> head);
  void remove_adapter_head(const std::string& adapter) { adapter_heads_.erase(adapter); }
  std::shared_ptr<TaskHead> head_of(const std::string& adapter) const;
  // A new head for this task holding `values` (a head's named_parameters): an adapter's own copy.
  std::shared_ptr<TaskHead> head_with(const TensorMap& values) const;

  // True for the task head's tensors, and for backbone tensors the checkpoint lacked (a pooler under an MLM
  // checkpoint): those were initialised fresh, so they train with the head.
  bool is_head_parameter(const std::string& name) const;
  void mark_fresh(const std::vector<std::string>& names) { fresh_.insert(names.begin(), names.end()); }
  SiteCatalogue sites() { return backbone->sites(config_.prefix()); }
  std::vector<LinearSiteRef> linear_sites() { return sites().linear; }
  std::vector<EmbeddingSiteRef> embedding_sites() { return sites().embedding; }
  std::vector<BranchSiteRef> branch_sites() { return sites().branch; }
  // Fold every mergeable delta into the frozen weights; refused while the sites hold several adapters
  // (a merge changes the weights every adapter shares).
  void merge_sites();
  void unmerge_sites();
  std::vector<std::string> attached_adapters();  // adapters with deltas at a linear or embedding site

  const ModelConfig& config() const { return config_; }
  TaskKind kind() const { return kind_; }
  int64_t num_labels() const { return num_labels_; }
  std::shared_ptr<Backbone> backbone;
  std::shared_ptr<TaskHead> head;

 private:
  torch::Tensor run_heads(const torch::Tensor& hidden, const nn::ForwardContext& ctx);
  torch::Tensor forward_copies(const ModelInputs& inputs, const nn::ForwardContext& ctx);
  ModelConfig config_;
  TaskKind kind_;
  int64_t num_labels_;
  ClozeTokens cloze_;
  int64_t copies_ = 1;
  std::set<std::string> fresh_;
  std::map<std::string, std::shared_ptr<TaskHead>> adapter_heads_;  // not registered: their adapters save them
  nn::AdapterSelection default_adapters_;
  std::vector<std::string> adapter_names_;
};
TORCH_MODULE(TaskModel);

// HF's initialisation (normal(0, initializer_range) weights, zero biases, unit LayerNorms) for the
// parameters whose names pass `select`; used for fresh heads and pretraining from scratch.
void init_parameters(torch::nn::Module& module, double initializer_range,
                     const std::function<bool(const std::string&)>& select);

}  // namespace peft::models
