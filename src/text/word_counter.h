// Counts the words of a text corpus as the BERT tokenizer sees them (normalised, pre-tokenized): the
// input of WordPiece vocabulary training.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "text/normalizer.h"

namespace peft::text {

struct WordCount {
  std::string word;  // UTF-8
  uint64_t count = 0;
};

// Reads the file line by line; the result is sorted by word so that training is deterministic.
// Throws peft::Error naming the path when it cannot be read.
std::vector<WordCount> count_words(const std::string& corpus_path, const BertNormalizer& normalizer);

}  // namespace peft::text
