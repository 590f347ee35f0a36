#include "models/task_model.h"

#include "core/error.h"

namespace peft::models {

TaskModelImpl::TaskModelImpl(ModelConfig config, TaskKind kind, int64_t num_labels)
    : config_(std::move(config)), kind_(kind), num_labels_(num_labels) {
  if (kind == TaskKind::Regression) num_labels_ = 1;
  if (kind == TaskKind::MaskedLM) num_labels_ = config_.vocab_size;
  require(num_labels_ > 0, "a task head needs at least one label");
  backbone = register_module(config_.prefix(), Backbone(config_, head_uses_pooler(config_, kind)));
  head = make_head(config_, kind, num_labels_);
  register_module(head->module_name(), head);
}

torch::Tensor TaskModelImpl::forward(const ModelInputs& inputs) {
  auto logits = head->forward(backbone->forward(inputs, head->reads_first_token_only()), *backbone);
  return kind_ == TaskKind::Regression ? logits.squeeze(-1) : logits;
}

torch::Tensor TaskModelImpl::loss(const torch::Tensor& logits, const torch::Tensor& labels) const {
  namespace F = torch::nn::functional;
  if (kind_ == TaskKind::Regression) return F::mse_loss(logits, labels.to(logits.dtype()));
  return F::cross_entropy(logits.reshape({-1, logits.size(-1)}), labels.reshape({-1}),
                          F::CrossEntropyFuncOptions().ignore_index(-100));
}

bool TaskModelImpl::is_head_parameter(const std::string& name) const {
  const std::string root = std::string(head->module_name()) + ".";
  return name.compare(0, root.size(), root) == 0 || fresh_.count(name) > 0;
}

void TaskModelImpl::merge_sites() {
  for (auto& site : linear_sites()) site.linear->merge();
  for (auto& site : embedding_sites()) site.embedding->merge();
}

void TaskModelImpl::unmerge_sites() {
  for (auto& site : linear_sites()) site.linear->unmerge();
  for (auto& site : embedding_sites()) site.embedding->unmerge();
}

void init_parameters(torch::nn::Module& module, double range, const std::function<bool(const std::string&)>& select) {
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters()) {
    const auto& name = item.key();
    if (!select(name)) continue;
    auto& p = item.value();
    const bool is_norm = name.find("LayerNorm") != std::string::npos || name.find("layer_norm") != std::string::npos;
    if (is_norm && name.size() >= 6 && name.compare(name.size() - 6, 6, "weight") == 0) {
      p.fill_(1.0);
    } else if (p.dim() == 1) {
      p.zero_();
    } else {
      p.normal_(0.0, range);
    }
  }
}

}  // namespace peft::models
