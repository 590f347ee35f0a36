// What every kind of site keeps: the things methods attached there (deltas, hooks), each under the name of
// the adapter it belongs to, in attach order, and which of them a call's selection runs.
#pragma once
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "nn/forward_context.h"

namespace peft::nn {

// Row b's place in the batch mask of `rows == index`, broadcast over `like`'s trailing dimensions.
inline torch::Tensor rows_are(const torch::Tensor& rows, int64_t index, const torch::Tensor& like) {
  std::vector<int64_t> shape(like.dim(), 1);
  shape[0] = rows.size(0);
  return rows.eq(index).view(shape);
}

template <typename Item>
class AdapterList {
 public:
  struct Entry {
    std::string adapter;
    std::shared_ptr<Item> item;
    bool merged = false;  // only linear-site deltas merge
  };

  void add(const std::string& adapter, std::shared_ptr<Item> item) { entries_.push_back({adapter, std::move(item)}); }
  void remove(const std::string& adapter) {
    const auto of_adapter = [&](const Entry& e) { return e.adapter == adapter; };
    entries_.erase(std::remove_if(entries_.begin(), entries_.end(), of_adapter), entries_.end());
  }
  void clear() { entries_.clear(); }
  size_t size() const { return entries_.size(); }
  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }

  // The adapters with something here, each once, in attach order.
  std::vector<std::string> adapters() const {
    std::vector<std::string> out;
    for (const auto& e : entries_)
      if (std::find(out.begin(), out.end(), e.adapter) == out.end()) out.push_back(e.adapter);
    return out;
  }
  // Per-row selection: the entries of each named adapter, by its index in the selection.
  std::vector<std::vector<Entry*>> by_selected_adapter(const AdapterSelection& selection) {
    std::vector<std::vector<Entry*>> out(selection.names.size());
    for (auto& e : entries_) {
      const auto j = selection.index_of(e.adapter);
      if (j >= 0 && !e.merged) out[j].push_back(&e);
    }
    return out;
  }

  // Runs `chain(entries of one adapter, x)` once per adapter the selection names and keeps, for each row,
  // the result of that row's adapter (the base result for rows of none). Correct for any delta or hook;
  // costs a full-batch pass per adapter, so sites use it where no batched path exists.
  template <typename Chain>
  torch::Tensor per_row(const AdapterSelection& selection, const torch::Tensor& base, Chain chain) {
    auto out = base;
    const auto groups = by_selected_adapter(selection);
    for (size_t j = 0; j < groups.size(); ++j) {
      if (groups[j].empty()) continue;
      auto x = base;
      for (auto* e : groups[j]) x = chain(*e, x);
      out = torch::where(rows_are(selection.rows, int64_t(j), base), x, out);
    }
    return out;
  }

 private:
  std::vector<Entry> entries_;
};

}  // namespace peft::nn
