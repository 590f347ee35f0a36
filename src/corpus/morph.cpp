// Base forms of an inflected word by WordNet's morphy rules (morphy(7WN), "Rules of Detachment").
// Irregular forms ("geese", "took", "stopped") come from the exception lists instead.
#include "corpus/morph.h"

#include <algorithm>

namespace peft::corpus {
namespace {

struct Rule {
  const char* suffix;
  const char* ending;
};

const std::vector<Rule>& rules_for(char pos) {
  static const std::vector<Rule> noun = {{"s", ""},     {"ses", "s"},   {"xes", "x"}, {"zes", "z"},
                                         {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}};
  static const std::vector<Rule> verb = {{"s", ""},   {"ies", "y"}, {"es", "e"},  {"es", ""},
                                         {"ed", "e"}, {"ed", ""},   {"ing", "e"}, {"ing", ""}};
  static const std::vector<Rule> adj = {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}};
  static const std::vector<Rule> none;
  switch (file_pos(pos)) {
    case 'n': return noun;
    case 'v': return verb;
    case 'a': return adj;
    default: return none;  // adverbs: exceptions only
  }
}

}  // namespace

std::vector<std::string> base_forms(const std::string& word, char pos, const WordNet& wn) {
  std::vector<std::string> forms = {word};
  const auto exc = wn.exceptions.find(file_pos(pos));
  if (exc != wn.exceptions.end()) {
    const auto it = exc->second.find(word);
    if (it != exc->second.end()) forms.insert(forms.end(), it->second.begin(), it->second.end());
  }
  for (const Rule& r : rules_for(pos)) {
    const std::string suffix = r.suffix;
    if (word.size() > suffix.size() && word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0)
      forms.push_back(word.substr(0, word.size() - suffix.size()) + r.ending);
  }
  std::sort(forms.begin(), forms.end());
  forms.erase(std::unique(forms.begin(), forms.end()), forms.end());
  return forms;
}

}  // namespace peft::corpus
