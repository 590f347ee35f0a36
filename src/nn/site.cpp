#include "nn/site.h"

namespace peft::nn {

void SiteBase::attach(std::shared_ptr<LinearDelta> delta) { deltas_.push_back({std::move(delta), false}); }

void SiteBase::detach_all() {
  unmerge();
  deltas_.clear();
}

torch::Tensor SiteBase::apply_deltas(const torch::Tensor& input, torch::Tensor output) {
  for (auto& a : deltas_)
    if (!a.merged) output = a.delta->apply(input, output, is_training());
  return output;
}

void SiteBase::merge() {
  torch::NoGradGuard no_grad;
  for (auto& a : deltas_)
    if (a.delta->mergeable() && !a.merged) {
      a.delta->merge(weight, bias);
      a.merged = true;
    }
}

void SiteBase::unmerge() {
  torch::NoGradGuard no_grad;
  // Reverse order: multiplicative and additive deltas only commute when undone last-in first-out.
  for (auto it = deltas_.rbegin(); it != deltas_.rend(); ++it)
    if (it->merged) {
      it->delta->unmerge(weight, bias);
      it->merged = false;
    }
}

}  // namespace peft::nn
