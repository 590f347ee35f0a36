// A mixed batch's per-row prompts in one tensor: each adapter's prompt table, zero-padded to the longest,
// gathered by row, with each row's true length, so the input-sequence and key/value sites insert one
// block for the whole batch (never one per adapter).
#pragma once
#include <vector>

#include <torch/torch.h>

namespace peft::nn {

struct RowVectors {
  torch::Tensor vectors;  // [B, n_max, ...]
  torch::Tensor count;    // [B] int64: how many of row b's vectors are its own (0 for rows of no adapter)
};

// tables[j]: adapter j's prompts, [K_j, n_j, ...] (K_j > 1 for an ensemble; undefined: adapter j has none
// here); rows[b]: row b's adapter (-1: none); prompt_rows[b]: which of its K prompts (undefined: 0).
RowVectors gather_row_vectors(const std::vector<torch::Tensor>& tables, const torch::Tensor& rows,
                              const torch::Tensor& prompt_rows);

}  // namespace peft::nn
