// Which fields of a dataset file hold the first text, the optional second text and the label: the user's
// names when given, else the well-known GLUE / NLI names (SST-2, CoLA, MRPC, QQP, STS-B, MNLI, QNLI, RTE, SNLI).
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace peft::data {

struct Columns {  // empty = auto-detect from the header / keys
  std::string text_a, text_b, label;
};

struct ColumnChoice {
  std::string text_a;
  std::optional<std::string> text_b;  // nullopt: single-sentence task
  std::optional<std::string> label;   // nullopt: unlabeled file (test set)
};

// `available` are the header names (or JSON keys); `where` ("train.tsv:1") prefixes errors.
// Auto-detection, first match wins:
//   text_a: sentence1, question1, question, premise, "#1 String", sentence, text
//   text_b: sentence2, question2, hypothesis, "#2 String", and sentence when text_a is question (QNLI)
//   label:  label, score, Quality, gold_label, is_duplicate
// A name the user gave that is not available is an error listing the available names, as is a file
// where no text_a column can be found.
ColumnChoice choose_columns(const Columns& wanted, const std::vector<std::string>& available, const std::string& where);

}  // namespace peft::data
