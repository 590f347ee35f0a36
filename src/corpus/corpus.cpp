// Builds the plain-text pretraining corpus. Deterministic: WordNet in file order (noun, verb, adj,
// adv), then fortune files in name order, then GCIDE in file order; a text already written is not written again.
#include "corpus/corpus.h"

#include <unordered_set>

#include "corpus/fortunes.h"
#include "corpus/gcide.h"
#include "corpus/held_out.h"
#include "corpus/text.h"
#include "corpus/wordnet.h"
#include "io/atomic_file.h"

namespace peft::corpus {
namespace {

const char* const kNotProse = "ascii-art";  // pictures drawn in characters

}  // namespace

// Leak exclusion: the tasks split WordNet by synset and fortunes by text (held_out.h). Every text of a
// dev/test synset (definition and examples) and every dev/test fortune of the task's categories goes
// into `held_out`, and a line is dropped when its text is in there: the match is on the text, so a
// held-out text that also occurs under a train synset or another fortune file is dropped too.
CorpusStats build_corpus(const Sources& sources, const std::string& out_path) {
  const WordNet wn = load_wordnet(sources.wordnet_dir);
  const std::vector<std::string> categories = fortune_categories(sources.fortunes_dir);
  std::unordered_set<std::string> held_out;
  for (const Synset& s : wn.synsets) {
    if (synset_split(s) == Split::train) continue;
    held_out.insert(s.definition);
    held_out.insert(s.examples.begin(), s.examples.end());
  }
  for (const std::string& category : fortune_task_categories())
    for (const std::string& text : read_fortunes(sources.fortunes_dir, category))
      if (fortune_split(text) != Split::train) held_out.insert(text);

  CorpusStats stats;
  std::string out;
  std::unordered_set<std::string> written;
  const auto emit = [&](const std::string& text, std::size_t& counter) {
    if (text.empty()) return;
    if (held_out.count(text)) {
      ++stats.held_out;
    } else if (written.insert(text).second) {
      out += text;
      out += '\n';
      ++counter;
      stats.words += word_count(text);
    }
  };
  for (const Synset& s : wn.synsets) {
    emit(s.definition, stats.wordnet_lines);
    for (const std::string& example : s.examples) emit(example, stats.wordnet_lines);
  }
  for (const std::string& category : categories)
    if (category != kNotProse)
      for (const std::string& text : read_fortunes(sources.fortunes_dir, category)) emit(text, stats.fortune_lines);
  if (!sources.gcide_path.empty())
    for (const std::string& text : read_gcide(sources.gcide_path)) emit(text, stats.gcide_lines);
  io::write_file_atomic(out_path, out);
  stats.lines = stats.wordnet_lines + stats.fortune_lines + stats.gcide_lines;
  stats.bytes = out.size();
  return stats;
}

}  // namespace peft::corpus
