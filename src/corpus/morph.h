// Base forms of an inflected word, the way WordNet's morphy(7WN) finds them: the word itself, its
// entries in the *.exc exception lists, and the detachment rules of its part of speech.
#pragma once
#include <string>
#include <vector>

#include "corpus/wordnet.h"

namespace peft::corpus {

// `word` is lower-case; `pos` is n v a s r. Candidates are not checked against the database, so the
// list can hold non-words ("bed" -> "b"): callers compare them with a known lemma.
std::vector<std::string> base_forms(const std::string& word, char pos, const WordNet& wn);

}  // namespace peft::corpus
