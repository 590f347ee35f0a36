// What encoding a text produces (ids, token type ids, source word per token) and HF's 'longest_first'
// truncation of one sequence or a pair.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace peft::text {

struct Encoding {
  std::vector<int64_t> input_ids;
  std::vector<int64_t> token_type_ids;
  // Per token: index of its word in the sequence (a special token written in the text is a word too),
  // -1 for special tokens the post-processor adds. Each sequence of a pair counts from 0, as in HF.
  std::vector<int> word_ids;

  size_t size() const { return input_ids.size(); }
  void truncate(size_t n);  // keeps the first n tokens
};

// Cuts `a` (and `b`) so that together they hold at most max_tokens tokens, as HF tokenizers does: the
// longer one is cut first; when both must be cut, the shorter (on a tie: the first) keeps max_tokens / 2
// and the other the rest.
void truncate_longest_first(Encoding& a, Encoding* b, size_t max_tokens);

}  // namespace peft::text
