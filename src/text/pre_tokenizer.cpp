// BERT pre-tokenisation as HF tokenizers' BertPreTokenizer does it: words are split on whitespace and
// every punctuation character becomes a word of its own.
#include "text/pre_tokenizer.h"

#include "text/unicode.h"

namespace peft::text {

std::vector<std::u32string_view> bert_pre_tokenize(std::u32string_view text) {
  std::vector<std::u32string_view> words;
  size_t start = 0;
  auto flush = [&](size_t end) {
    if (end > start) words.push_back(text.substr(start, end - start));
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (is_whitespace(c)) {
      flush(i);
      start = i + 1;
    } else if (is_punctuation(c)) {
      flush(i);
      words.push_back(text.substr(i, 1));
      start = i + 1;
    }
  }
  flush(text.size());
  return words;
}

}  // namespace peft::text
