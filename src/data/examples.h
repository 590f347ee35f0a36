// Sentence and sentence-pair classification / regression examples read from .tsv, .csv or .jsonl files
// (GLUE, SNLI, Hugging Face exports), with the text and label columns chosen as in columns.h.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "data/columns.h"

namespace peft::data {

struct Example {
  std::string text_a;
  std::optional<std::string> text_b;
  std::string label;  // label text as in the file; "" when the file has no label column (test sets)
  size_t line = 0;    // 1-based line in the source file, so later errors can say "train.tsv:17: ..."
};

// Format by extension (case-insensitive):
//   .tsv   header row, tab-separated, no quoting (GLUE files are written with QUOTE_NONE)
//   .csv   header row, RFC 4180 quoting
//   .jsonl one JSON object per line; columns detected from the first object's keys; text fields must be
//          strings, labels strings or numbers (a number keeps its JSON spelling, e.g. 1 -> "1", 3.8 -> "3.8")
// Blank lines are skipped, a UTF-8 BOM and CRLF endings are accepted. Errors are peft::Error naming
// file:line and the column or field; text that is not UTF-8 is one, naming the byte (see utf8.h).
std::vector<Example> read_examples(const std::string& path, const Columns& columns = {});

}  // namespace peft::data
