// BERT text normalisation as HF tokenizers' BertNormalizer does it: clean control chars and whitespace,
// space out CJK ideographs, strip accents, lower-case, in that order.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace peft::text {

struct BertNormalizer {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  std::optional<bool> strip_accents;  // unset: follows `lowercase`, as in HF
  bool lowercase = true;

  bool strips_accents() const { return strip_accents.value_or(lowercase); }
  std::u32string normalize(std::u32string_view text) const;
};

}  // namespace peft::text
