#include "models/task_model.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace peft::models {

TaskModelImpl::TaskModelImpl(ModelConfig config, TaskKind kind, int64_t num_labels, ClozeTokens cloze)
    : config_(std::move(config)), kind_(kind), num_labels_(num_labels), cloze_(std::move(cloze)) {
  if (kind == TaskKind::Regression) num_labels_ = 1;
  if (kind == TaskKind::MaskedLM) num_labels_ = config_.vocab_size;
  if (kind == TaskKind::Cloze) num_labels_ = static_cast<int64_t>(cloze_.label_words.size());
  require(num_labels_ > 0, "a task head needs at least one label");
  backbone = register_module(config_.prefix(), make_backbone(config_, head_uses_pooler(config_, kind)));
  head = make_head(config_, kind, num_labels_, cloze_);
  register_module(head->module_name(), head);
}

nn::ForwardContext TaskModelImpl::default_context() const {
  nn::ForwardContext ctx;
  ctx.training = is_training();
  ctx.adapters = default_adapters_;
  return ctx;
}

torch::Tensor TaskModelImpl::forward(const ModelInputs& inputs) { return forward(inputs, default_context()); }

torch::Tensor TaskModelImpl::forward(const ModelInputs& inputs, nn::ForwardContext ctx) {
  if (copies_ > 1 && !ctx.prompt_rows.defined()) return forward_copies(inputs, ctx);
  if (!ctx.read_positions.defined() && !ctx.read_tokens.defined()) {
    if (head->reads_first_token_only())
      ctx.read_positions = torch::zeros({inputs.input_ids.size(0)}, inputs.input_ids.options());
    else
      ctx.read_tokens = head->read_tokens(inputs);
  }
  auto logits = run_heads(backbone->forward(inputs, ctx), ctx);
  return kind_ == TaskKind::Regression ? logits.squeeze(-1) : logits;
}

void TaskModelImpl::set_row_copies(int64_t copies) {
  require(copies >= 1, "an ensemble needs at least one prompt");
  copies_ = copies;
}

torch::Tensor TaskModelImpl::forward_copies(const ModelInputs& inputs, const nn::ForwardContext& ctx) {
  require(!ctx.adapters.is_per_row(), "an ensemble adapter runs on batches of its own, not in a mixed batch");
  const auto B = inputs.input_ids.size(0), K = copies_;
  auto repeat = [&](const torch::Tensor& t) { return t.defined() ? t.repeat_interleave(K, 0) : t; };
  const ModelInputs copies{repeat(inputs.input_ids), repeat(inputs.token_type_ids), repeat(inputs.attention_mask)};
  auto own = ctx;
  own.prompt_rows = torch::arange(K, inputs.input_ids.options()).repeat({B});
  own.read_positions = repeat(ctx.read_positions);
  own.read_tokens = repeat(ctx.read_tokens);
  auto logits = forward(copies, own);
  if (ctx.training) return logits;
  auto sizes = logits.sizes().vec();
  sizes[0] = K;
  sizes.insert(sizes.begin(), B);
  auto grouped = logits.view(sizes);
  if (kind_ == TaskKind::Regression) return grouped.mean(1);
  return grouped.log_softmax(-1).logsumexp(1) - std::log(double(K));
}

torch::Tensor TaskModelImpl::run_heads(const torch::Tensor& hidden, const nn::ForwardContext& ctx) {
  const auto& selection = ctx.adapters;
  if (selection.is_every() || selection.names.empty()) return head->forward(hidden, *backbone, ctx);
  if (!selection.is_per_row()) return head_of(selection.names.front())->forward(hidden, *backbone, ctx);
  // A mixed batch: each head on its own rows (heads are small next to the backbone), rows of no adapter
  // on the model's own head.
  torch::Tensor out;
  for (int64_t j = -1; j < int64_t(selection.names.size()); ++j) {
    const auto rows = selection.rows.eq(j).nonzero().squeeze(1);
    if (rows.numel() == 0) continue;
    const auto& h = j < 0 ? head : head_of(selection.names[j]);
    auto own = ctx;  // the head's rows run their one adapter (the pooler is a site too)
    own.adapters = nn::AdapterSelection::only(j < 0 ? std::vector<std::string>{} : std::vector{selection.names[j]});
    if (own.read_positions.defined()) own.read_positions = own.read_positions.index_select(0, rows);
    auto logits = h->forward(hidden.index_select(0, rows), *backbone, own);
    if (!out.defined()) {
      auto sizes = logits.sizes().vec();
      sizes[0] = hidden.size(0);
      out = torch::zeros(sizes, logits.options());
    }
    const std::string name = j < 0 ? "(base)" : selection.names[j];
    require(out.sizes().slice(1) == logits.sizes().slice(1),
            "a mixed batch needs heads of one output shape; adapter '" + name + "' gives " + c10::str(logits.sizes()));
    out = out.index_copy(0, rows, logits);
  }
  return out;
}

void TaskModelImpl::set_adapter_head(const std::string& adapter, std::shared_ptr<TaskHead> h) {
  require(std::string(h->module_name()) == head->module_name(),
          "adapter '" + adapter + "': its head is a '" + h->module_name() + "', this model's a '" +
              head->module_name() + "'");
  adapter_heads_[adapter] = std::move(h);
}

void TaskModelImpl::remove_adapter_name(const std::string& adapter) {
  adapter_names_.erase(std::remove(adapter_names_.begin(), adapter_names_.end(), adapter), adapter_names_.end());
}

std::shared_ptr<TaskHead> TaskModelImpl::head_of(const std::string& adapter) const {
  const auto it = adapter_heads_.find(adapter);
  return it == adapter_heads_.end() ? head : it->second;
}

std::shared_ptr<TaskHead> TaskModelImpl::head_with(const TensorMap& values) const {
  auto copy = make_head(config_, kind_, num_labels_, cloze_);
  torch::NoGradGuard no_grad;
  for (auto& item : copy->named_parameters()) item.value().set_data(values.at(item.key()).clone());
  return copy;
}

torch::Tensor TaskModelImpl::loss(const torch::Tensor& logits, const torch::Tensor& labels) const {
  namespace F = torch::nn::functional;
  // An ensemble's training forward returns each example's copies in a row: each copy has the label.
  const auto& target = copies_ > 1 && logits.size(0) == labels.size(0) * copies_ ? labels.repeat_interleave(copies_, 0)
                                                                                 : labels;
  if (kind_ == TaskKind::Regression) return F::mse_loss(logits, target.to(logits.dtype()));
  return F::cross_entropy(logits.reshape({-1, logits.size(-1)}), target.reshape({-1}),
                          F::CrossEntropyFuncOptions().ignore_index(-100));
}

bool TaskModelImpl::is_head_parameter(const std::string& name) const {
  const std::string root = std::string(head->module_name()) + ".";
  return name.compare(0, root.size(), root) == 0 || fresh_.count(name) > 0;
}

std::vector<std::string> TaskModelImpl::attached_adapters() {
  std::vector<std::string> names;
  auto add = [&](const std::vector<std::string>& more) {
    for (const auto& n : more)
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  auto catalogue = sites();
  for (auto& site : catalogue.linear) add(site.linear->adapters());
  for (auto& site : catalogue.embedding) add(site.embedding->adapters());
  return names;
}

void TaskModelImpl::merge_sites() {
  const auto adapters = attached_adapters();
  if (adapters.size() > 1) {
    std::string list;
    for (const auto& a : adapters) list += (list.empty() ? "" : ", ") + a;
    throw Error("cannot merge: the model holds several adapters (" + list + "); delete all but one first");
  }
  auto catalogue = sites();
  for (auto& site : catalogue.linear) site.linear->merge();
  for (auto& site : catalogue.embedding) site.embedding->merge();
}

void TaskModelImpl::unmerge_sites() {
  auto catalogue = sites();
  for (auto& site : catalogue.linear) site.linear->unmerge();
  for (auto& site : catalogue.embedding) site.embedding->unmerge();
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
