// The WordPiece model: a vocabulary and greedy longest-match-first splitting of one word into
// sub-word ids ("##"-prefixed continuations), as HF tokenizers' WordPiece model does it.
#include "text/wordpiece_model.h"

#include "core/error.h"
#include "io/atomic_file.h"
#include "text/unicode.h"

namespace peft::text {

WordPieceModel::WordPieceModel(std::vector<std::string> vocab, std::string unk_token,
                               std::string continuing_subword_prefix, size_t max_input_chars_per_word)
    : vocab_(std::move(vocab)),
      unk_token_(std::move(unk_token)),
      prefix_(std::move(continuing_subword_prefix)),
      max_chars_(max_input_chars_per_word) {
  ids_.reserve(vocab_.size());
  for (size_t i = 0; i < vocab_.size(); ++i) ids_[vocab_[i]] = static_cast<int64_t>(i);
  unk_id_ = id(unk_token_);
}

std::optional<int64_t> WordPieceModel::id(const std::string& token) const {
  const auto it = ids_.find(token);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

void WordPieceModel::tokenize(std::string_view word, std::vector<int64_t>& out) const {
  if (utf8_length(word) > max_chars_) {
    out.push_back(*unk_id_);
    return;
  }
  const size_t first = out.size();
  std::string piece;
  size_t start = 0;
  while (start < word.size()) {
    size_t end = word.size();
    std::optional<int64_t> match;
    while (end > start) {
      piece.assign(start > 0 ? prefix_ : std::string());
      piece.append(word.substr(start, end - start));
      if ((match = id(piece))) break;
      do --end;  // back to the previous UTF-8 character boundary
      while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80);
    }
    if (!match) {
      out.resize(first);
      out.push_back(*unk_id_);
      return;
    }
    out.push_back(*match);
    start = end;
  }
}

std::vector<std::string> read_vocab_txt(const std::string& path) {
  const std::string text = io::read_file(path);
  std::vector<std::string> vocab;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    // HF trims trailing whitespace of each line (CRLF files included).
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    vocab.push_back(std::move(line));
    pos = end + 1;
  }
  require(!vocab.empty(), path + ": empty vocabulary");
  return vocab;
}

std::string vocab_txt(const std::vector<std::string>& vocab) {
  std::string text;
  for (const std::string& token : vocab) text.append(token).push_back('\n');
  return text;
}

}  // namespace peft::text
