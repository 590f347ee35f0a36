// Code-point helpers for the tokenizer: UTF-8 decoding/encoding and the character classes that HF
// tokenizers' BERT components test (whitespace, control, punctuation, CJK, marks), backed by utf8proc.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace peft::text {

std::u32string decode_utf8(std::string_view text);  // each invalid byte becomes U+FFFD
void append_utf8(std::string& out, std::u32string_view text);
std::string encode_utf8(std::u32string_view text);
size_t utf8_length(std::string_view text);  // in code points

bool is_whitespace(char32_t c);       // Unicode White_Space, as Rust's char::is_whitespace
bool is_control(char32_t c);          // categories Cc, Cf, Co, Cs (not unassigned Cn, as in HF)
bool is_punctuation(char32_t c);      // ASCII punctuation (which includes $+<=>^`|~) or category P*
bool is_cjk_ideograph(char32_t c);    // the CJK blocks BertNormalizer pads with spaces
bool is_nonspacing_mark(char32_t c);  // category Mn
bool is_word_char(char32_t c);        // regex \w: letters, marks, digits, connector punctuation

std::u32string nfd(std::u32string_view text);            // canonical decomposition with canonical ordering
void append_lowercase(std::u32string& out, char32_t c);  // full lower-case mapping (may add 2 chars)

}  // namespace peft::text
