// The input-sequence site, between the embedding lookup and the position / token-type embeddings: methods
// insert vectors into the sequence there (prompt tuning's virtual tokens, P-tuning's encoded prompts) and
// say how many past positions come first (prefix tuning's prefixes count as past key/values in HF).
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
  static constexpr int64_t kInserted = -1;  // `source` of an inserted vector
  static constexpr int64_t kUnused = -2;    // `source` of a slot a shorter row's insert left empty (mask 0)

  // The lookup of `ids` ([B, L]) with its mask and token types (zero where undefined): nothing inserted.
  static InputSequence of(const torch::Tensor& embeds, const torch::Tensor& ids, const torch::Tensor& attention_mask,
                          const torch::Tensor& token_type_ids);

  torch::Tensor embeds;          // [B, L', H]: the word embeddings (with their sites' deltas)
  torch::Tensor attention_mask;  // [B, L'] 1 = attend, 0 = padding
  torch::Tensor token_type_ids;  // [B, L'] int64
  torch::Tensor token_ids;       // [B, L'] int64: the input ids, kInserted / kUnused at the other slots
  torch::Tensor source;          // [B, L'] int64: the input position a slot holds, or kInserted / kUnused
  torch::Tensor past_length;     // [B] int64 or undefined (0): positions before the sequence (HF's prefixes)
  bool inserted = false;         // vectors were inserted: the backbone renumbers positions

  // Inserts, before position at[b] of row b, the first count[b] of vectors[b] ([B or 1, n, H]); a row's
  // other n - count[b] slots go to its end, masked, so every row reads as it would alone. Inserted
  // vectors attend (mask 1) and take the token type of the slot they precede (0 at the end).
  void insert(const torch::Tensor& at, const torch::Tensor& vectors, const torch::Tensor& count);
  void insert(int64_t at, const torch::Tensor& vectors);  // every row, all n vectors
  // Where each input token sits now: [B, L] indices into the L' slots.
  torch::Tensor token_index() const;
  // Adds `length` ([B] or a scalar tensor) to every row's past positions.
  void add_past(const torch::Tensor& length);
};

using InputSequenceHook = SiteHook<InputSequence>;
using InputSequenceSite = HookSite<InputSequenceHook, InputSequence>;

}  // namespace peft::nn
