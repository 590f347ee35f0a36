// BERT pre-tokenisation as HF tokenizers' BertPreTokenizer does it: words are split on whitespace and
// every punctuation character becomes a word of its own.
#pragma once
#include <string_view>
#include <vector>

namespace peft::text {

std::vector<std::u32string_view> bert_pre_tokenize(std::u32string_view text);  // views into `text`

}  // namespace peft::text
