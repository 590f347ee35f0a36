// Task "tagging" (token classification, CoNLL): a WordNet example sentence, tokenized by tokenize(),
// with the occurrences of its synset's headword tagged B-/I-<POS> (NOUN VERB ADJ ADV) and the rest O.
// Inflected occurrences are found with WordNet's own morphology (morph.h); sentences without one are dropped.
#include <algorithm>

#include "corpus/builders.h"
#include "corpus/held_out.h"
#include "corpus/morph.h"
#include "corpus/text.h"

namespace peft::corpus {
namespace {

constexpr std::array<std::size_t, 3> kCaps = {8000, 1000, 1000};  // sentences: train, dev, test
constexpr std::size_t kMinTokens = 3;

const char* pos_tag(char pos) {
  switch (file_pos(pos)) {
    case 'n': return "NOUN";
    case 'v': return "VERB";
    case 'a': return "ADJ";
    default: return "ADV";
  }
}

// Tags for tokens, or an empty vector when no lemma of the synset occurs. Longer lemmas are tried
// first ("take a breath" before "take"); single letters are skipped: the noun "a" (the letter)
// would tag every article.
std::vector<std::string> headword_tags(const std::vector<std::string>& tokens, const Synset& s, const WordNet& wn) {
  std::vector<std::vector<std::string>> lemmas;
  for (const std::string& lemma : s.lemmas) {
    std::vector<std::string> words = tokenize(to_lower(lemma));
    if (!words.empty() && !(words.size() == 1 && words[0].size() < 2)) lemmas.push_back(std::move(words));
  }
  std::stable_sort(lemmas.begin(), lemmas.end(), [](const auto& x, const auto& y) { return x.size() > y.size(); });
  std::vector<std::vector<std::string>> forms;
  for (const std::string& token : tokens) forms.push_back(base_forms(to_lower(token), s.pos, wn));
  const auto matches = [&](std::size_t at, const std::vector<std::string>& words) {
    if (at + words.size() > tokens.size()) return false;
    for (std::size_t k = 0; k < words.size(); ++k)
      if (!std::binary_search(forms[at + k].begin(), forms[at + k].end(), words[k])) return false;
    return true;
  };
  std::vector<std::string> tags(tokens.size(), "O");
  bool found = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    for (const auto& words : lemmas) {
      if (!matches(i, words)) continue;
      for (std::size_t k = 0; k < words.size(); ++k) tags[i + k] = (k == 0 ? "B-" : "I-") + std::string(pos_tag(s.pos));
      i += words.size() - 1;
      found = true;
      break;
    }
  }
  return found ? tags : std::vector<std::string>{};
}

}  // namespace

Task build_tagging_task(const WordNet& wn) {
  Task task{"tagging", "tagging", "entity_f1", {}, {"O"}, {}};
  for (const char* pos : {"NOUN", "VERB", "ADJ", "ADV"})
    for (const char* prefix : {"B-", "I-"}) task.labels.push_back(prefix + std::string(pos));
  std::array<std::vector<Candidate>, 3> candidates;
  for (const Synset& s : wn.synsets) {
    for (std::size_t e = 0; e < s.examples.size(); ++e) {
      const std::vector<std::string> tokens = tokenize(s.examples[e]);
      if (tokens.size() < kMinTokens || tokens.size() > kMaxWords) continue;
      const std::vector<std::string> tags = headword_tags(tokens, s, wn);
      if (tags.empty()) continue;
      std::string block;
      for (std::size_t i = 0; i < tokens.size(); ++i) block += tokens[i] + " " + tags[i] + "\n";
      candidates[static_cast<int>(synset_split(s))].push_back(
          {stable_hash("tagging:" + s.key() + "#" + std::to_string(e)), std::move(block)});
    }
  }
  fill_splits(task, std::move(candidates), kCaps);
  return task;
}

}  // namespace peft::corpus
