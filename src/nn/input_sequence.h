// The input-sequence site, between the embedding lookup and the position / token-type embeddings: methods
// insert vectors into the sequence there (prompt tuning's virtual tokens, P-tuning's encoded prompts).
// InputSequence::insert keeps the attention mask and token types in step with the vectors; the backbone
// numbers positions afterwards, by its own rule for a sequence with inserted vectors (HF ignores the
// caller's position ids for prompt learning), so no method handles masks or positions itself.
#pragma once
#include <memory>
#include <string>

#include <torch/torch.h>

#include "nn/hook_site.h"

namespace peft::nn {

struct InputSequence {
  torch::Tensor embeds;          // [B, L, H]: the word embeddings (with their sites' deltas)
  torch::Tensor attention_mask;  // [B, L] 1 = attend, 0 = padding
  torch::Tensor token_type_ids;  // [B, L] int64
  torch::Tensor position_ids;    // [B or 1, L] int64: the backbone's numbering of the token ids
  bool inserted = false;         // vectors were inserted: the backbone renumbers positions

  // Inserts `vectors` ([B or 1, n, H]) before position `at` of every row: mask 1, token type 0.
  void insert(int64_t at, const torch::Tensor& vectors);
};

struct InputSequenceHook {
  virtual ~InputSequenceHook() = default;
  virtual void apply(InputSequence& sequence, const ForwardContext& ctx) = 0;
};

using InputSequenceSite = HookSite<InputSequenceHook, InputSequence>;

}  // namespace peft::nn
