// Column choice for dataset files: explicit names are checked, missing ones detected from known names.
// See columns.h.
#include "data/columns.h"

#include <algorithm>

#include "core/error.h"

namespace peft::data {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

bool has(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<std::string> first_available(const std::vector<std::string>& candidates,
                                           const std::vector<std::string>& available) {
  for (const std::string& c : candidates)
    if (has(available, c)) return c;
  return std::nullopt;
}

// The user's column if given (and present), else the first available candidate.
std::optional<std::string> pick(const std::string& wanted, const std::vector<std::string>& candidates,
                                const std::vector<std::string>& available, const std::string& where) {
  if (wanted.empty()) return first_available(candidates, available);
  require(has(available, wanted), where + ": column '" + wanted + "' not found (columns: " + join(available) + ")");
  return wanted;
}

}  // namespace

ColumnChoice choose_columns(const Columns& wanted, const std::vector<std::string>& available,
                            const std::string& where) {
  // "question" outranks "sentence" so that QNLI pairs read as (question, sentence).
  const std::vector<std::string> text_a_names = {"sentence1", "question1", "question", "premise",
                                                 "#1 String", "sentence",  "text"};
  const std::optional<std::string> text_a = pick(wanted.text_a, text_a_names, available, where);
  require(text_a.has_value(), where + ": no text column found (columns: " + join(available) + "); expected one of " +
                                  join(text_a_names) + ", or name it explicitly");

  std::vector<std::string> text_b_names = {"sentence2", "question2", "hypothesis", "#2 String"};
  if (*text_a == "question") text_b_names.push_back("sentence");

  ColumnChoice choice;
  choice.text_a = *text_a;
  choice.text_b = pick(wanted.text_b, text_b_names, available, where);
  choice.label = pick(wanted.label, {"label", "score", "Quality", "gold_label", "is_duplicate"}, available, where);
  return choice;
}

}  // namespace peft::data
