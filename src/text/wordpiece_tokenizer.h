// The BERT WordPiece tokenizer, compatible with HF tokenizers: loads tokenizer.json or vocab.txt,
// turns text (or pre-split words) into ids with special tokens and truncation, and saves both files.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "text/encoding.h"
#include "text/tokenizer_spec.h"

namespace peft::text {

// Names of the tokens pad_id() & co. look up; tokenizer_config.json may rename them.
struct SpecialTokenNames {
  std::string pad = "[PAD]";
  std::string unk = "[UNK]";
  std::string cls = "[CLS]";
  std::string sep = "[SEP]";
  std::string mask = "[MASK]";
};

class WordPieceTokenizer {
 public:
  // tokenizer.json when the directory has one, else vocab.txt; tokenizer_config.json, when present,
  // supplies special token names and (for vocab.txt) do_lower_case, strip_accents, tokenize_chinese_chars.
  static WordPieceTokenizer load(const std::string& model_dir);
  static WordPieceTokenizer from_tokenizer_json(const std::string& path);
  static WordPieceTokenizer from_vocab_txt(const std::string& path, bool lowercase = true);
  // BERT's setup: BertNormalizer, BertPreTokenizer, [CLS] A [SEP] (B [SEP] with type 1), specials as
  // added tokens.
  static WordPieceTokenizer from_vocab(std::vector<std::string> vocab, bool lowercase = true);

  // Ids of the text without the template's special tokens; special tokens written in the text
  // ("[MASK]") are recognised.
  std::vector<int64_t> tokenize(const std::string& text) const;
  // Applies the post-processor. Truncation is HF's 'longest_first' so that the result, special tokens
  // included, has at most max_length tokens (0: no limit).
  Encoding encode(const std::string& a, const std::string* b, size_t max_length) const;
  // Pre-split words (CoNLL): each word is normalised and word-pieced on its own; word_ids[i] is the index
  // of the word token i came from. Truncated to max_length tokens, special tokens included (0: no limit).
  Encoding encode_words(const std::vector<std::string>& words, size_t max_length) const;
  // The post-processor alone, on ids the caller tokenized and cut itself (PET's patterns), and how many
  // special tokens it adds.
  Encoding wrap(const Encoding& a, const Encoding* b) const { return spec_.post_processor.apply(a, b); }
  size_t added_tokens(bool is_pair) const { return spec_.post_processor.added_tokens(is_pair); }

  // Writes vocab.txt and tokenizer.json (loadable by HF tokenizers), creating the directory.
  void save(const std::string& dir) const;

  int64_t pad_id() const { return special_id(names_.pad); }
  int64_t unk_id() const { return *spec_.model.unk_id(); }
  int64_t cls_id() const { return special_id(names_.cls); }
  int64_t sep_id() const { return special_id(names_.sep); }
  int64_t mask_id() const { return special_id(names_.mask); }
  size_t vocab_size() const;                   // model vocabulary plus added tokens beyond it
  const std::string& token(int64_t id) const;  // throws peft::Error when out of range
  std::optional<int64_t> id(const std::string& token) const;

 private:
  WordPieceTokenizer(TokenizerSpec spec, SpecialTokenNames names, const std::string& origin);
  static WordPieceTokenizer from_vocab_with(std::vector<std::string> vocab, BertNormalizer normalizer,
                                            SpecialTokenNames names, const std::string& origin);

  // Appends the ids of one text; word ids count from 0 or, when `word` is set, are all `word`. With a
  // limit, stops after the first word of the model that brings the tokens appended to `limit` or more.
  void append(const std::string& text, std::optional<int> word, size_t limit, Encoding& out) const;
  Encoding finish(Encoding a, Encoding* b, size_t max_length) const;  // truncation + post-processor
  int64_t special_id(const std::string& name) const;

  TokenizerSpec spec_;
  SpecialTokenNames names_;
  AddedTokenMatcher raw_matcher_;         // added tokens matched on the raw text
  AddedTokenMatcher normalized_matcher_;  // ... and on the normalized text
};

}  // namespace peft::text
