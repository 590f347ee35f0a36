// A site whose hooks edit a state in place (the input sequence, a layer's keys and values): the hooks of
// the adapters a call selects run in attach order. In a per-row call each selected adapter's hook runs
// and reads ctx.adapters.rows for its own rows.
#pragma once
#include <memory>
#include <string>

#include "nn/adapter_list.h"

namespace peft::nn {

template <typename Hook, typename State>
class HookSite {
 public:
  void apply(State& state, const ForwardContext& ctx) {
    for (auto& e : hooks_.entries())
      if (ctx.adapters.uses(e.adapter)) e.item->apply(state, ctx);
  }
  void attach(const std::string& adapter, std::shared_ptr<Hook> hook) { hooks_.add(adapter, std::move(hook)); }
  void detach(const std::string& adapter) { hooks_.remove(adapter); }
  size_t size() const { return hooks_.size(); }

 private:
  AdapterList<Hook> hooks_;
};

}  // namespace peft::nn
