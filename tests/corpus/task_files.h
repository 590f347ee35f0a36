// Reading back what build_tasks and build_corpus wrote, for the corpus tests: TSV rows, CoNLL
// sentences and corpus lines, split the simple way the formats allow (no quoting anywhere).
#pragma once
#include <string>
#include <vector>

#include "io/atomic_file.h"

namespace corpus_test {

inline std::vector<std::string> split_on(const std::string& text, char sep) {
  std::vector<std::string> parts(1);
  for (char c : text) {
    if (c == sep) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

// Lines of a file without the final empty piece after the last newline.
inline std::vector<std::string> file_lines(const std::string& path) {
  std::vector<std::string> lines = split_on(peft::io::read_file(path), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// Rows of a TSV file, header first.
inline std::vector<std::vector<std::string>> tsv_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  for (const std::string& line : file_lines(path)) rows.push_back(split_on(line, '\t'));
  return rows;
}

struct Sentence {
  std::vector<std::string> tokens, tags;
};

// Sentences of a CoNLL file; a line that is not exactly "token tag" fails the calling test.
inline std::vector<Sentence> conll_sentences(const std::string& path, bool& well_formed) {
  std::vector<Sentence> sentences(1);
  well_formed = true;
  for (const std::string& line : file_lines(path)) {
    if (line.empty()) {
      well_formed = well_formed && !sentences.back().tokens.empty();
      sentences.emplace_back();
      continue;
    }
    const std::vector<std::string> fields = split_on(line, ' ');
    well_formed = well_formed && fields.size() == 2 && !fields[0].empty() && !fields[1].empty();
    sentences.back().tokens.push_back(fields[0]);
    sentences.back().tags.push_back(fields.size() > 1 ? fields[1] : "");
  }
  // Every sentence ends with a blank line, the last one included.
  well_formed = well_formed && sentences.back().tokens.empty();
  sentences.pop_back();
  return sentences;
}

}  // namespace corpus_test
