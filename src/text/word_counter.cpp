// Counts the words of a text corpus as the BERT tokenizer sees them (normalised, pre-tokenized): the
// input of WordPiece vocabulary training.
#include "text/word_counter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "core/error.h"
#include "text/pre_tokenizer.h"
#include "text/unicode.h"

namespace peft::text {

std::vector<WordCount> count_words(const std::string& corpus_path, const BertNormalizer& normalizer) {
  std::ifstream in(corpus_path, std::ios::binary);
  require(in.good(), corpus_path + ": cannot open: " + std::strerror(errno));
  std::unordered_map<std::string, uint64_t> counts;
  std::string line, word;
  while (std::getline(in, line)) {
    const std::u32string normalized = normalizer.normalize(decode_utf8(line));
    for (std::u32string_view w : bert_pre_tokenize(normalized)) {
      word.clear();
      append_utf8(word, w);
      ++counts[word];
    }
  }
  require(!in.bad(), corpus_path + ": read failed");
  std::vector<WordCount> words;
  words.reserve(counts.size());
  for (auto& [w, n] : counts) words.push_back({w, n});
  std::sort(words.begin(), words.end(), [](const WordCount& a, const WordCount& b) { return a.word < b.word; });
  return words;
}

}  // namespace peft::text
