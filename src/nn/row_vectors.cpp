#include "nn/row_vectors.h"

#include <algorithm>

#include "core/error.h"

namespace peft::nn {

RowVectors gather_row_vectors(const std::vector<torch::Tensor>& tables, const torch::Tensor& rows,
                              const torch::Tensor& prompt_rows) {
  int64_t k_max = 1, n_max = 0;
  torch::Tensor like;
  for (const auto& t : tables)
    if (t.defined()) {
      k_max = std::max(k_max, t.size(0));
      n_max = std::max(n_max, t.size(1));
      like = t;
    }
  require(like.defined(), "a mixed batch's prompts: no adapter has any");
  auto trailing = like.sizes().slice(2).vec();
  std::vector<int64_t> padded_shape{k_max, n_max};
  padded_shape.insert(padded_shape.end(), trailing.begin(), trailing.end());
  // Slot A (after the adapters) is "no prompt": rows of no adapter index it.
  std::vector<torch::Tensor> padded;
  std::vector<int64_t> lengths, copies;
  for (const auto& t : tables) {
    auto slot = torch::zeros(padded_shape, like.options());
    if (t.defined()) slot.narrow(0, 0, t.size(0)).narrow(1, 0, t.size(1)).copy_(t);
    padded.push_back(slot);
    lengths.push_back(t.defined() ? t.size(1) : 0);
    copies.push_back(t.defined() ? t.size(0) : 1);
  }
  padded.push_back(torch::zeros(padded_shape, like.options()));
  lengths.push_back(0);
  copies.push_back(1);
  const auto opts = rows.options();
  const auto A = int64_t(tables.size());
  auto adapter = torch::where(rows.lt(0), torch::full_like(rows, A), rows);
  auto prompt = prompt_rows.defined() ? prompt_rows.to(opts) : torch::zeros_like(rows);
  auto copy_limit = torch::tensor(copies, opts).index_select(0, adapter);
  require(prompt.ge(0).all().item<bool>() && prompt.lt(copy_limit).all().item<bool>(),
          "a row asks for a prompt its adapter does not have");
  auto flat = torch::stack(padded).flatten(0, 1);  // [(A+1) * k_max, n_max, ...]
  RowVectors out;
  out.vectors = flat.index_select(0, adapter * k_max + prompt);
  out.count = torch::tensor(lengths, opts).index_select(0, adapter);
  return out;
}

}  // namespace peft::nn
