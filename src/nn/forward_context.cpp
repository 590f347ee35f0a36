#include "nn/forward_context.h"

#include <algorithm>

#include "core/error.h"

namespace peft::nn {

AdapterSelection AdapterSelection::only(std::vector<std::string> names) {
  AdapterSelection s;
  s.every_ = false;
  s.names = std::move(names);
  return s;
}

AdapterSelection AdapterSelection::per_row(std::vector<std::string> names, torch::Tensor rows) {
  require(rows.defined() && rows.dim() == 1 && rows.scalar_type() == torch::kLong,
          "a per-row adapter selection needs one int64 index per row");
  auto s = only(std::move(names));
  s.rows = std::move(rows);
  return s;
}

int64_t AdapterSelection::index_of(const std::string& adapter) const {
  const auto it = std::find(names.begin(), names.end(), adapter);
  return it == names.end() ? -1 : int64_t(it - names.begin());
}

}  // namespace peft::nn
