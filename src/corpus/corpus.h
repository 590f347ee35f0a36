// Builds the plain-text pretraining corpus: one text per line (a WordNet definition, a WordNet example
// sentence, a whole fortune, or a GCIDE definition or quotation), with every text that a task holds out
// for dev or test left out.
#pragma once
#include <cstddef>
#include <string>

#include "corpus/sources.h"

namespace peft::corpus {

struct CorpusStats {
  std::size_t lines = 0, words = 0, bytes = 0;
  std::size_t wordnet_lines = 0, fortune_lines = 0, gcide_lines = 0;
  std::size_t held_out = 0;  // texts left out because a task uses them for dev or test
};

CorpusStats build_corpus(const Sources& sources, const std::string& out_path);

}  // namespace peft::corpus
