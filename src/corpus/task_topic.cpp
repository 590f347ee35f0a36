// Task "topic": a WordNet noun definition -> the noun's lexicographer file (noun.animal, noun.artifact,
// ... 26 classes). Read from lex_filenum in data.noun.
#include <unordered_map>

#include "corpus/builders.h"
#include "corpus/held_out.h"
#include "corpus/text.h"

namespace peft::corpus {
namespace {

constexpr std::array<std::size_t, 3> kCaps = {20000, 2000, 2000};  // train, dev, test
constexpr std::size_t kMinWords = 3;

}  // namespace

// The input is the definition alone, without the synset's lemmas: with them the task turns into a
// word lookup ("oak" -> plant, most proper names -> person/location) instead of reading a sentence.
Task build_topic_task(const WordNet& wn) {
  Task task{"topic", "classification", "accuracy", {"sentence", "label"}, noun_lexnames(), {}};
  // A definition shared by several synsets may carry several labels: drop those.
  std::unordered_map<std::string, int> uses;
  for (const Synset& s : wn.synsets)
    if (s.pos == 'n') ++uses[s.definition];
  std::array<std::vector<Candidate>, 3> candidates;
  for (const Synset& s : wn.synsets) {
    const std::size_t words = word_count(s.definition);
    if (s.pos != 'n' || uses[s.definition] != 1 || words < kMinWords || words > kMaxWords) continue;
    candidates[static_cast<int>(synset_split(s))].push_back(
        {stable_hash("topic:" + s.key()), tsv_row({s.definition, s.lexname})});
  }
  fill_splits(task, std::move(candidates), kCaps);
  return task;
}

}  // namespace peft::corpus
