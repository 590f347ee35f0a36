// Dynamic MLM masking on the CPU with our own generator: a few thousand draws per batch cost nothing
// next to the model, and the result does not depend on LibTorch's RNG or the standard library's.
#include "train/mlm_masking.h"

#include <random>

#include "core/error.h"

namespace peft::train {
namespace {

double uniform(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }  // [0, 1)

}  // namespace

uint64_t mix_seed(uint64_t seed, uint64_t counter) {  // splitmix64 of the pair
  uint64_t z = seed * 0x9E3779B97F4A7C15ull + counter + 0x632BE59BD9B4E019ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

MlmMasker::MlmMasker(const text::WordPieceTokenizer& tokenizer, double probability)
    : probability_(probability),
      mask_id_(tokenizer.mask_id()),
      vocab_size_(static_cast<int64_t>(tokenizer.vocab_size())),
      special_(static_cast<size_t>(vocab_size_), false) {
  require(probability > 0 && probability < 1, "the masking probability must be between 0 and 1");
  for (int64_t id : {tokenizer.pad_id(), tokenizer.unk_id(), tokenizer.cls_id(), tokenizer.sep_id(), mask_id_})
    if (id >= 0 && id < vocab_size_) special_[static_cast<size_t>(id)] = true;
  for (int64_t id = 0; id < vocab_size_; ++id)
    if (!special_[static_cast<size_t>(id)]) replacements_.push_back(id);
  require(!replacements_.empty(), "the vocabulary has only special tokens");
}

MaskedBatch MlmMasker::mask(const torch::Tensor& input_ids, uint64_t seed) const {
  MaskedBatch out;
  out.input_ids = input_ids.to(torch::kCPU, torch::kLong).contiguous().clone();
  out.labels = torch::full_like(out.input_ids, -100);
  int64_t* ids = out.input_ids.data_ptr<int64_t>();
  int64_t* labels = out.labels.data_ptr<int64_t>();
  const int64_t n = out.input_ids.numel();
  std::mt19937_64 rng(seed);

  auto corrupt = [&](int64_t i) {
    labels[i] = ids[i];
    const double r = uniform(rng);
    if (r < 0.8) ids[i] = mask_id_;
    else if (r < 0.9) ids[i] = replacements_[rng() % replacements_.size()];
  };
  int64_t eligible = 0, chosen = 0;
  for (int64_t i = 0; i < n; ++i) {
    if (is_special(ids[i])) continue;
    ++eligible;
    if (uniform(rng) < probability_) {
      corrupt(i);
      ++chosen;
    }
  }
  if (chosen == 0 && eligible > 0) {  // a tiny batch drew nothing: predict one token rather than nothing
    auto pick = static_cast<int64_t>(rng() % static_cast<uint64_t>(eligible));
    for (int64_t i = 0; i < n; ++i)
      if (!is_special(ids[i]) && pick-- == 0) {
        corrupt(i);
        break;
      }
  }
  return out;
}

}  // namespace peft::train
