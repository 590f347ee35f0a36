// Added (special) tokens and how they are cut out of a text before WordPiece sees it, with HF
// tokenizers' rules: leftmost-longest exact match, single_word, lstrip/rstrip, raw or normalized match.
#include "text/added_tokens.h"

#include <algorithm>

#include "text/unicode.h"

namespace peft::text {

AddedTokenMatcher::AddedTokenMatcher(const std::vector<AddedToken>& tokens, bool normalized,
                                     const BertNormalizer* normalizer) {
  for (const AddedToken& token : tokens) {
    if (token.normalized != normalized || token.content.empty()) continue;
    std::u32string text = decode_utf8(token.content);
    if (normalized && normalizer) text = normalizer->normalize(text);
    if (text.empty()) continue;
    tokens_.push_back(token);
    patterns_.push_back({std::move(text), tokens_.size() - 1});
  }
  for (size_t i = 0; i < patterns_.size(); ++i) by_first_char_[patterns_[i].text[0]].push_back(i);
  for (auto& [first, indices] : by_first_char_) {
    std::stable_sort(indices.begin(), indices.end(),
                     [&](size_t a, size_t b) { return patterns_[a].text.size() > patterns_[b].text.size(); });
  }
}

const AddedTokenMatcher::Pattern* AddedTokenMatcher::longest_at(std::u32string_view text, size_t pos) const {
  const auto it = by_first_char_.find(text[pos]);
  if (it == by_first_char_.end()) return nullptr;
  for (size_t index : it->second) {
    const Pattern& p = patterns_[index];
    if (text.compare(pos, p.text.size(), p.text) == 0) return &p;
  }
  return nullptr;
}

std::vector<TextPiece> AddedTokenMatcher::split(std::u32string_view text) const {
  std::vector<TextPiece> pieces;
  size_t done = 0;  // end of the last piece pushed
  size_t pos = 0;
  while (pos < text.size()) {
    const Pattern* p = by_first_char_.empty() ? nullptr : longest_at(text, pos);
    if (!p) {
      ++pos;
      continue;
    }
    const AddedToken& token = tokens_[p->token];
    size_t begin = pos, end = pos + p->text.size();
    pos = end;  // a discarded match still consumes its text, as in HF's non-overlapping search
    if (token.single_word &&
        ((begin > 0 && is_word_char(text[begin - 1])) || (end < text.size() && is_word_char(text[end])))) {
      continue;
    }
    if (token.lstrip) {
      while (begin > done && is_whitespace(text[begin - 1])) --begin;
    }
    if (token.rstrip) {
      while (end < text.size() && is_whitespace(text[end])) ++end;
      pos = end;
    }
    if (begin > done) pieces.push_back({text.substr(done, begin - done)});
    pieces.push_back({text.substr(begin, end - begin), token.id});
    done = end;
  }
  if (done < text.size()) pieces.push_back({text.substr(done)});
  return pieces;
}

}  // namespace peft::text
