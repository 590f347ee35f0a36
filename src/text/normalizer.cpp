// BERT text normalisation as HF tokenizers' BertNormalizer does it: clean control chars and whitespace,
// space out CJK ideographs, strip accents, lower-case, in that order.
#include "text/normalizer.h"

#include <algorithm>

#include "text/unicode.h"

namespace peft::text {

std::u32string BertNormalizer::normalize(std::u32string_view text) const {
  std::u32string out;
  out.reserve(text.size());
  for (char32_t c : text) {
    if (clean_text) {
      const bool kept_control = c == '\t' || c == '\n' || c == '\r';
      if (c == 0 || c == 0xFFFD || (is_control(c) && !kept_control)) continue;
      if (is_whitespace(c)) c = ' ';
    }
    if (handle_chinese_chars && is_cjk_ideograph(c)) {
      out += {U' ', c, U' '};
    } else {
      out.push_back(c);
    }
  }
  if (strips_accents()) {
    out = nfd(out);
    out.erase(std::remove_if(out.begin(), out.end(), is_nonspacing_mark), out.end());
  }
  if (lowercase) {
    std::u32string lower;
    lower.reserve(out.size());
    for (char32_t c : out) append_lowercase(lower, c);
    out = std::move(lower);
  }
  return out;
}

}  // namespace peft::text
