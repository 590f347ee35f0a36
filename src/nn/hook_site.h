// A site whose hooks edit a state in place (the input sequence, a layer's keys and values): the hooks of
// the adapters a call selects run in attach order. A mixed batch (one adapter per row) runs in one call
// when the selected adapters' hooks batch with each other (each row gathers its own prompt or prefix);
// otherwise each selected hook runs and reads ctx.adapters.rows for its own rows.
#pragma once
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/profile_scope.h"
#include "nn/adapter_list.h"

namespace peft::nn {

template <typename State>
struct SiteHook {
  virtual ~SiteHook() = default;
  virtual void apply(State& state, const ForwardContext& ctx) = 0;
  // A mixed batch in one call: peers[j] is the hook adapter j of the selection has here (null: none; all
  // others batch_with this one), rows[b] row b's adapter (-1: none).
  virtual bool batches_with(const SiteHook& /*other*/) const { return false; }
  virtual void apply_rows(State& /*state*/, const std::vector<SiteHook*>& /*peers*/, const torch::Tensor& /*rows*/,
                          const ForwardContext& /*ctx*/) {
    throw std::logic_error("apply_rows called on a hook that does not batch");
  }
};

template <typename Hook, typename State>
class HookSite {
 public:
  void apply(State& state, const ForwardContext& ctx) {
    if (hooks_.size() == 0) return;
    PEFT_PROFILE_SCOPE(profile::kAdapter);
    if (ctx.adapters.is_per_row() && apply_batched(state, ctx)) return;
    for (auto& e : hooks_.entries())
      if (ctx.adapters.uses(e.adapter)) e.item->apply(state, ctx);
  }
  void attach(const std::string& adapter, std::shared_ptr<Hook> hook) { hooks_.add(adapter, std::move(hook)); }
  void detach(const std::string& adapter) { hooks_.remove(adapter); }
  size_t size() const { return hooks_.size(); }

 private:
  // True when every selected adapter has one hook here and they batch: then they ran, in one call.
  bool apply_batched(State& state, const ForwardContext& ctx) {
    const auto groups = hooks_.by_selected_adapter(ctx.adapters);
    std::vector<SiteHook<State>*> peers(groups.size(), nullptr);
    SiteHook<State>* first = nullptr;
    for (size_t j = 0; j < groups.size(); ++j) {
      if (groups[j].empty()) continue;
      if (groups[j].size() != 1) return false;
      peers[j] = groups[j].front()->item.get();
      if (!first) first = peers[j];
      if (!first->batches_with(*peers[j])) return false;
    }
    if (first) first->apply_rows(state, peers, ctx.adapters.rows, ctx);
    return true;
  }

  AdapterList<Hook> hooks_;
};

}  // namespace peft::nn
