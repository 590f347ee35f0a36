// Added (special) tokens and how they are cut out of a text before WordPiece sees it, with HF
// tokenizers' rules: leftmost-longest exact match, single_word, lstrip/rstrip, raw or normalized match.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/normalizer.h"

namespace peft::text {

struct AddedToken {
  int64_t id = 0;
  std::string content;
  bool special = true;
  bool normalized = false;   // matched against the normalized text instead of the raw one
  bool lstrip = false;       // the match swallows whitespace on its left
  bool rstrip = false;       // ... and on its right
  bool single_word = false;  // only matches when not inside a word
};

// A stretch of text: an added token (id >= 0) or plain text still to tokenize (id == -1).
struct TextPiece {
  std::u32string_view text;
  int64_t id = -1;
};

class AddedTokenMatcher {
 public:
  AddedTokenMatcher() = default;
  // Takes the tokens whose `normalized` flag equals `normalized`; the contents of normalized tokens
  // go through `normalizer` (when there is one) so that they match normalized text.
  AddedTokenMatcher(const std::vector<AddedToken>& tokens, bool normalized, const BertNormalizer* normalizer);

  std::vector<TextPiece> split(std::u32string_view text) const;  // pieces cover `text`, in order

 private:
  struct Pattern {
    std::u32string text;
    size_t token;  // index into tokens_ (indices, not pointers, keep the matcher copyable)
  };
  const Pattern* longest_at(std::u32string_view text, size_t pos) const;

  std::vector<AddedToken> tokens_;
  std::vector<Pattern> patterns_;
  std::unordered_map<char32_t, std::vector<size_t>> by_first_char_;  // pattern indices, longest first
};

}  // namespace peft::text
