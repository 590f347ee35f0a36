#include "train/batch.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace peft::train {

std::vector<size_t> epoch_order(size_t n, uint64_t seed, int64_t epoch) {
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed * 1000003ull + static_cast<uint64_t>(epoch));
  // Fisher-Yates with our own index draw: std::shuffle's use of the engine differs between libraries.
  for (size_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
  return order;
}

std::vector<size_t> length_grouped_order(const std::vector<size_t>& lengths, size_t batch_size, uint64_t seed,
                                         int64_t epoch) {
  auto order = epoch_order(lengths.size(), seed, epoch);
  const size_t window = 50 * batch_size;
  for (size_t start = 0; start < order.size(); start += window)
    std::stable_sort(order.begin() + static_cast<std::ptrdiff_t>(start),
                     order.begin() + static_cast<std::ptrdiff_t>(std::min(start + window, order.size())),
                     [&](size_t a, size_t b) { return lengths[a] > lengths[b]; });
  const size_t full_batches = order.size() / batch_size;
  const auto batch_order = epoch_order(full_batches, seed + 1, epoch);
  std::vector<size_t> out;
  out.reserve(order.size());
  for (size_t b : batch_order)
    out.insert(out.end(), order.begin() + static_cast<std::ptrdiff_t>(b * batch_size),
               order.begin() + static_cast<std::ptrdiff_t>((b + 1) * batch_size));
  out.insert(out.end(), order.begin() + static_cast<std::ptrdiff_t>(full_batches * batch_size), order.end());
  return out;
}

Batch collate(const std::vector<Feature>& features, const size_t* idx, size_t count, models::TaskKind kind,
              int64_t pad_id) {
  size_t max_len = 0;
  for (size_t i = 0; i < count; ++i) max_len = std::max(max_len, features[idx[i]].input_ids.size());
  const auto B = static_cast<int64_t>(count), L = static_cast<int64_t>(max_len);
  auto ids = torch::full({B, L}, pad_id, torch::kLong);
  auto types = torch::zeros({B, L}, torch::kLong);
  auto mask = torch::zeros({B, L}, torch::kLong);
  const bool tagging = kind == models::TaskKind::TokenClassification;
  auto labels = tagging ? torch::full({B, L}, -100, torch::kLong)
                        : torch::zeros({B}, kind == models::TaskKind::Regression ? torch::kFloat : torch::kLong);
  Batch batch;
  for (int64_t b = 0; b < B; ++b) {
    const auto& f = features[idx[b]];
    const auto n = static_cast<int64_t>(f.input_ids.size());
    ids[b].narrow(0, 0, n).copy_(torch::tensor(f.input_ids, torch::kLong));
    if (!f.token_type_ids.empty()) types[b].narrow(0, 0, n).copy_(torch::tensor(f.token_type_ids, torch::kLong));
    mask[b].narrow(0, 0, n).fill_(1);
    if (tagging) labels[b].narrow(0, 0, n).copy_(torch::tensor(f.token_labels, torch::kLong));
    else if (kind == models::TaskKind::Regression) labels[b] = f.score;
    else labels[b] = f.label;
    batch.tokens += n;
  }
  batch.inputs = {ids, types, mask};
  batch.labels = labels;
  return batch;
}

}  // namespace peft::train
