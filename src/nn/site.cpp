#include "nn/site.h"

#include "core/error.h"
#include "core/profile_scope.h"

namespace peft::nn {

torch::Tensor LinearDelta::apply_rows(const torch::Tensor&, const torch::Tensor&, const std::vector<LinearDelta*>&,
                                      const torch::Tensor&, const ForwardContext&) {
  throw std::logic_error("apply_rows called on a delta that does not batch");
}

void SiteBase::attach(const std::string& adapter, std::shared_ptr<LinearDelta> delta) {
  deltas_.add(adapter, std::move(delta));
}

void SiteBase::detach(const std::string& adapter) {
  torch::NoGradGuard no_grad;
  auto& entries = deltas_.entries();
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (it->adapter == adapter && it->merged) {
      it->item->unmerge(weight, bias);
      it->merged = false;
    }
  deltas_.remove(adapter);
}

void SiteBase::detach_all() {
  unmerge();
  deltas_.clear();
}

ForwardContext SiteBase::own_context() const {
  ForwardContext ctx;
  ctx.training = is_training();
  return ctx;
}

torch::Tensor SiteBase::scaled_input(const torch::Tensor& input, const ForwardContext& ctx) const {
  if (deltas_.size() == 0 || ctx.adapters.is_per_row()) return input;
  auto x = input;
  for (const auto& e : deltas_.entries())
    if (!e.merged && ctx.adapters.uses(e.adapter))
      if (const auto scale = e.item->input_scale(); scale.defined()) {
        PEFT_PROFILE_SCOPE(profile::kAdapter);
        x = x * scale;
      }
  return x;
}

torch::Tensor SiteBase::apply_deltas(const torch::Tensor& input, torch::Tensor output, const ForwardContext& ctx) {
  if (deltas_.size() == 0) return output;
  PEFT_PROFILE_SCOPE(profile::kAdapter);
  const auto& selection = ctx.adapters;
  for (const auto& e : deltas_.entries())
    require(!e.merged || (selection.uses(e.adapter) && !selection.is_per_row()),
            "adapter '" + e.adapter + "' is merged into the base weights; unmerge it before running other adapters");
  if (!selection.is_per_row()) {
    for (auto& e : deltas_.entries())
      if (!e.merged && selection.uses(e.adapter) && !e.item->input_scale().defined())
        output = e.item->apply(input, output, ctx);
    return output;
  }
  // A mixed batch: one batched product when every selected adapter has one delta here and they batch.
  const auto groups = deltas_.by_selected_adapter(selection);
  std::vector<LinearDelta*> peers(groups.size(), nullptr);
  LinearDelta* first = nullptr;
  bool batched = true;
  for (size_t j = 0; j < groups.size() && batched; ++j) {
    if (groups[j].empty()) continue;
    peers[j] = groups[j].front()->item.get();
    if (!first) first = peers[j];
    batched = groups[j].size() == 1 && first->batches_with(*peers[j]);
  }
  if (!first) return output;
  if (batched) return first->apply_rows(input, output, peers, selection.rows, ctx);
  return deltas_.per_row(selection, output,
                         [&](auto& e, const torch::Tensor& x) { return e.item->apply(input, x, ctx); });
}

void SiteBase::merge() {
  torch::NoGradGuard no_grad;
  for (auto& e : deltas_.entries())
    if (e.item->mergeable() && !e.merged) {
      e.item->merge(weight, bias);
      e.merged = true;
    }
}

void SiteBase::unmerge() {
  torch::NoGradGuard no_grad;
  // Reverse order: multiplicative and additive deltas only commute when undone last-in first-out.
  auto& entries = deltas_.entries();
  for (auto it = entries.rbegin(); it != entries.rend(); ++it)
    if (it->merged) {
      it->item->unmerge(weight, bias);
      it->merged = false;
    }
}

}  // namespace peft::nn
