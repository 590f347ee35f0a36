// BERT's dynamic masking for masked-LM pretraining: a fresh, seeded draw of which tokens to predict every
// time a batch is made, so each epoch sees different masks of the same text.
#pragma once
#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "text/wordpiece_tokenizer.h"

namespace peft::train {

struct MaskedBatch {
  torch::Tensor input_ids;  // [B, L] int64, with the chosen tokens replaced
  torch::Tensor labels;     // [B, L] int64: the original id at chosen positions, -100 elsewhere
};

class MlmMasker {
 public:
  // Specials ([PAD] [UNK] [CLS] [SEP] [MASK]) are never chosen, and never drawn as random replacements.
  explicit MlmMasker(const text::WordPieceTokenizer& tokenizer, double probability = 0.15);

  // Chooses each non-special token with `probability`; of those, 80% become [MASK], 10% a random
  // non-special token, 10% stay. At least one token of the batch is chosen when any is eligible, so the
  // loss is always defined. The same (ids, seed) always gives the same result.
  MaskedBatch mask(const torch::Tensor& input_ids, uint64_t seed) const;

  bool is_special(int64_t id) const { return id >= 0 && id < vocab_size_ && special_[id]; }

 private:
  double probability_;
  int64_t mask_id_, vocab_size_;
  std::vector<bool> special_;           // by id
  std::vector<int64_t> replacements_;  // the ids a "random token" is drawn from
};

// Mixes a run seed with a counter (step, batch index) into an independent stream seed.
uint64_t mix_seed(uint64_t seed, uint64_t counter);

}  // namespace peft::train
