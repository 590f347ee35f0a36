// The WordPiece model: a vocabulary and greedy longest-match-first splitting of one word into
// sub-word ids ("##"-prefixed continuations), as HF tokenizers' WordPiece model does it.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace peft::text {

class WordPieceModel {
 public:
  WordPieceModel() = default;
  // Token ids are positions in `vocab`; a token listed twice maps to its last position, as in HF.
  WordPieceModel(std::vector<std::string> vocab, std::string unk_token, std::string continuing_subword_prefix = "##",
                 size_t max_input_chars_per_word = 100);

  // Appends the ids of one pre-tokenized word; a word that is too long or cannot be fully matched is
  // one unk id. Needs unk_id().
  void tokenize(std::string_view word, std::vector<int64_t>& out) const;

  std::optional<int64_t> id(const std::string& token) const;
  std::optional<int64_t> unk_id() const { return unk_id_; }
  const std::vector<std::string>& vocab() const { return vocab_; }
  const std::string& unk_token() const { return unk_token_; }
  const std::string& continuing_subword_prefix() const { return prefix_; }
  size_t max_input_chars_per_word() const { return max_chars_; }

 private:
  std::vector<std::string> vocab_;
  std::unordered_map<std::string, int64_t> ids_;
  std::string unk_token_ = "[UNK]";
  std::string prefix_ = "##";
  size_t max_chars_ = 100;
  std::optional<int64_t> unk_id_;
};

// One token per line, id = line number (BERT's vocab.txt); throws peft::Error naming the path.
std::vector<std::string> read_vocab_txt(const std::string& path);
std::string vocab_txt(const std::vector<std::string>& vocab);

}  // namespace peft::text
