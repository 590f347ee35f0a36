// Trains a WordPiece vocabulary the way HF tokenizers' WordPieceTrainer does: characters first, then
// BPE-style merges of the most frequent adjacent pair ("##"-prefixed continuations) up to the size.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "text/word_counter.h"

namespace peft::text {

struct WordPieceTrainerOptions {
  size_t vocab_size = 8000;
  size_t min_frequency = 2;  // a pair seen fewer times is never merged
  std::vector<std::string> special_tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
  size_t limit_alphabet = 1000;  // keep the most frequent characters only
  bool lowercase = true;         // the normaliser's setting (accents are stripped along with it)
};

// Deterministic: the same corpus and options give the same vocabulary, in this order: special tokens,
// alphabet (by code point), continuation characters "##c" (by code point), merged tokens. The alphabet
// is kept whole even when it alone exceeds vocab_size.
std::vector<std::string> train_wordpiece_vocab(const std::string& corpus_path, const WordPieceTrainerOptions& options);
std::vector<std::string> train_wordpiece_vocab(const std::vector<WordCount>& words,
                                               const WordPieceTrainerOptions& options);

}  // namespace peft::text
