// CoNLL reading and writing. See conll.h.
#include "data/conll.h"

#include "core/error.h"
#include "data/text_lines.h"
#include "data/utf8.h"
#include "io/atomic_file.h"

namespace peft::data {
namespace {

constexpr const char* kSpace = " \t\v\f";

std::vector<std::string_view> split_columns(std::string_view line) {
  std::vector<std::string_view> columns;
  for (size_t start = line.find_first_not_of(kSpace); start != std::string_view::npos;) {
    const size_t end = line.find_first_of(kSpace, start);
    columns.push_back(line.substr(start, end - start));
    start = end == std::string_view::npos ? end : line.find_first_not_of(kSpace, end);
  }
  return columns;
}

}  // namespace

std::vector<TaggedSentence> read_conll(const std::string& path) {
  const std::string text = io::read_file(path);
  require_utf8(text, path);
  const std::vector<std::string_view> lines = split_lines(text);
  std::vector<TaggedSentence> sentences;
  TaggedSentence current;
  auto finish_sentence = [&] {
    if (!current.tokens.empty()) sentences.push_back(std::move(current));
    current = {};
  };
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::vector<std::string_view> columns = split_columns(lines[i]);
    if (columns.empty()) {
      finish_sentence();
      continue;
    }
    if (columns.front() == "-DOCSTART-") {
      finish_sentence();
      continue;
    }
    require(columns.size() >= 2, path + ":" + std::to_string(i + 1) + ": expected a token and a tag, found 1 column");
    current.tokens.emplace_back(columns.front());
    current.tags.emplace_back(columns.back());
  }
  finish_sentence();
  return sentences;
}

void write_conll(const std::string& path, const std::vector<TaggedSentence>& sentences) {
  std::string out;
  for (size_t s = 0; s < sentences.size(); ++s) {
    const TaggedSentence& sentence = sentences[s];
    const std::string where = path + ": sentence " + std::to_string(s + 1);
    require(!sentence.tokens.empty(), where + ": empty sentence (a CoNLL file cannot hold one)");
    require(sentence.tokens.size() == sentence.tags.size(), where + ": " + std::to_string(sentence.tokens.size()) +
                                                                " tokens but " + std::to_string(sentence.tags.size()) +
                                                                " tags");
    for (size_t t = 0; t < sentence.tokens.size(); ++t) {
      for (const std::string* field : {&sentence.tokens[t], &sentence.tags[t]})
        require(!field->empty() && field->find_first_of(std::string(kSpace) + "\r\n") == std::string::npos,
                where + ", token " + std::to_string(t + 1) + ": '" + *field + "' is empty or contains whitespace");
      out += sentence.tokens[t] + ' ' + sentence.tags[t] + '\n';
    }
    out += '\n';
  }
  io::write_file_atomic(path, out);
}

}  // namespace peft::data
