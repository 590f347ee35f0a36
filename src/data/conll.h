// Token-tagging data in CoNLL layout (NER, chunking, POS): one token per line with whitespace-separated
// columns (token first, tag last), a blank line between sentences, -DOCSTART- lines ignored.
#pragma once
#include <string>
#include <vector>

namespace peft::data {

struct TaggedSentence {
  std::vector<std::string> tokens, tags;  // same length
};

// Middle columns (e.g. POS and chunk tags in CoNLL-2003) are ignored. A line with a single column is an
// error naming file:line, as is text that is not UTF-8 (with the byte, see utf8.h). A UTF-8 BOM and CRLF
// endings are accepted.
std::vector<TaggedSentence> read_conll(const std::string& path);

// Writes "token tag" lines and a blank line after each sentence, atomically. Sentences must be non-empty,
// tokens and tags non-empty and free of whitespace, so that the file reads back identically.
void write_conll(const std::string& path, const std::vector<TaggedSentence>& sentences);

}  // namespace peft::data
