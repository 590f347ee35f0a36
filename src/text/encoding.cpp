// What encoding a text produces (ids, token type ids, source word per token) and HF's 'longest_first'
// truncation of one sequence or a pair.
#include "text/encoding.h"

#include <algorithm>

namespace peft::text {

void Encoding::truncate(size_t n) {
  if (input_ids.size() > n) input_ids.resize(n);
  if (token_type_ids.size() > n) token_type_ids.resize(n);
  if (word_ids.size() > n) word_ids.resize(n);
}

void truncate_longest_first(Encoding& a, Encoding* b, size_t max_tokens) {
  if (!b) {
    a.truncate(max_tokens);
    return;
  }
  if (a.size() + b->size() <= max_tokens) return;
  const size_t shorter = std::min(a.size(), b->size());
  size_t keep_shorter = shorter, keep_longer = 0;
  if (2 * shorter > max_tokens) {
    keep_shorter = max_tokens / 2;
    keep_longer = max_tokens - keep_shorter;
  } else {
    keep_longer = max_tokens - shorter;
  }
  const bool a_longer = a.size() > b->size();
  a.truncate(a_longer ? keep_longer : keep_shorter);
  b->truncate(a_longer ? keep_shorter : keep_longer);
}

}  // namespace peft::text
