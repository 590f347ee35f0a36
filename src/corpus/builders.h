// The five downstream task builders, one per file (task_*.cpp). Each is deterministic: the same
// input gives the same records in the same order.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "corpus/task.h"
#include "corpus/wordnet.h"

namespace peft::corpus {

// (category, cleaned fortune text), as read from the fortune task's categories.
using Fortunes = std::vector<std::pair<std::string, std::string>>;

Task build_topic_task(const WordNet& wn);       // noun definition -> lexicographer file (26 classes)
Task build_fortune_task(const Fortunes& all);   // fortune -> its file's category
Task build_pair_task(const WordNet& wn);        // two definitions -> related (1) or not (0)
Task build_similarity_task(const WordNet& wn);  // two noun definitions -> hypernym-path similarity 0..5
Task build_tagging_task(const WordNet& wn);     // example sentence -> B-/I-POS on the headword, else O

}  // namespace peft::corpus
