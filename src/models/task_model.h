// A backbone plus its task head: the model every method, trainer and command works on. Parameter names
// are HF's (bert.encoder.layer.0..., classifier.weight) so HF checkpoints load by name.
#pragma once
#include <set>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/encoder.h"
#include "models/heads.h"
#include "models/model_config.h"
#include "models/task.h"

namespace peft::models {

class TaskModelImpl : public torch::nn::Module {
 public:
  TaskModelImpl(ModelConfig config, TaskKind kind, int64_t num_labels);
  // Logits: [B, labels] (classification), [B] (regression), [B, L, labels] (tagging), [B, L, vocab] (MLM).
  torch::Tensor forward(const ModelInputs& inputs);
  // Mean loss over labelled items; token and MLM labels use -100 for "not scored", as HF does.
  torch::Tensor loss(const torch::Tensor& logits, const torch::Tensor& labels) const;

  // True for the task head's tensors, and for backbone tensors the checkpoint lacked (a pooler under an MLM
  // checkpoint): those were initialised fresh, so they train with the head.
  bool is_head_parameter(const std::string& name) const;
  void mark_fresh(const std::vector<std::string>& names) { fresh_.insert(names.begin(), names.end()); }
  std::vector<LinearSiteRef> linear_sites() { return backbone->linear_sites(config_.prefix()); }
  std::vector<BranchSiteRef> branch_sites() { return backbone->branch_sites(config_.prefix()); }
  std::vector<EmbeddingSiteRef> embedding_sites() { return backbone->embedding_sites(config_.prefix()); }
  BranchSiteRef embedding_output_site() {
    return {BackboneImpl::embedding_output_path(config_.prefix()), -1, BranchPoint::EmbeddingOutput,
            &backbone->embedding_output};
  }
  void merge_sites();    // fold every mergeable delta into the frozen weights
  void unmerge_sites();

  const ModelConfig& config() const { return config_; }
  TaskKind kind() const { return kind_; }
  int64_t num_labels() const { return num_labels_; }
  Backbone backbone{nullptr};
  std::shared_ptr<TaskHead> head;

 private:
  ModelConfig config_;
  TaskKind kind_;
  int64_t num_labels_;
  std::set<std::string> fresh_;
};
TORCH_MODULE(TaskModel);

// HF's initialisation (normal(0, initializer_range) weights, zero biases, unit LayerNorms) for the
// parameters whose names pass `select`; used for fresh heads and pretraining from scratch.
void init_parameters(torch::nn::Module& module, double initializer_range,
                     const std::function<bool(const std::string&)>& select);

}  // namespace peft::models
