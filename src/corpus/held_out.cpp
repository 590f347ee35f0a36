// The train/dev/test rule that the tasks and the pretraining corpus share.
// The salts are part of the rule: changing one reshuffles the splits.
#include "corpus/held_out.h"

namespace peft::corpus {

Split synset_split(const Synset& synset) { return split_of("wordnet", synset.definition); }

const std::vector<std::string>& fortune_task_categories() {
  // Ten topical files of fortunes + fortunes-min with 100+ usable fortunes each and little overlap in
  // vocabulary (art/literature/love, computers/linux/work blur into each other; keep one of each).
  static const std::vector<std::string> categories = {"computers", "drugs",    "education", "food",    "law",
                                                      "love",      "politics", "science",   "sports",  "startrek"};
  return categories;
}

Split fortune_split(std::string_view text) { return split_of("fortune", text); }

}  // namespace peft::corpus
