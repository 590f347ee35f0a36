// Batches: a seeded example order per epoch, and collation of features into padded tensors.
#pragma once
#include <vector>

#include "models/backbone.h"
#include "models/task.h"
#include "train/task_data.h"

namespace peft::train {

struct Batch {
  models::ModelInputs inputs;
  torch::Tensor labels;  // [B] long (classes), [B] float (scores), [B, L] long (tags, -100 = not scored)
  int64_t tokens = 0;    // real (non-pad) tokens, for throughput
};

// The same (seed, epoch) always gives the same permutation, so a resumed run sees the same data order.
std::vector<size_t> epoch_order(size_t n, uint64_t seed, int64_t epoch);

// A permutation whose consecutive batch_size chunks hold examples of similar length, so batches need
// little padding: the epoch's order cut into windows of 50 batches, each window sorted by length, then
// the full batches shuffled (the short last batch stays last). Deterministic in (seed, epoch).
std::vector<size_t> length_grouped_order(const std::vector<size_t>& lengths, size_t batch_size, uint64_t seed,
                                         int64_t epoch);
Batch collate(const std::vector<Feature>& features, const size_t* indices, size_t count, models::TaskKind kind,
              int64_t pad_id);

}  // namespace peft::train
