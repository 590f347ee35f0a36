// A built downstream task (records per split plus what tasks.json says about it) and the writer that
// puts it on disk as GLUE-style TSV or CoNLL files.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus/split.h"

namespace peft::corpus {

struct Task {
  std::string name;                  // also the directory name under the output dir
  std::string kind;                  // classification | pair | regression | tagging
  std::string metric;                // the number to report on dev/test
  std::vector<std::string> columns;  // TSV header; empty for a CoNLL task
  std::vector<std::string> labels;   // label names in id order; empty for regression
  // Per split (indexed by Split): TSV rows without the newline, or CoNLL sentence blocks
  // ("token tag\n" lines, without the blank separator line).
  std::array<std::vector<std::string>, 3> records;

  std::vector<std::string>& split(Split s) { return records[static_cast<int>(s)]; }
  const std::vector<std::string>& split(Split s) const { return records[static_cast<int>(s)]; }
};

// A record waiting for selection: `order` is a stable hash, so taking the first n is a fixed random
// sample that does not depend on the order candidates were found in.
struct Candidate {
  std::uint64_t order = 0;
  std::string record;
};

// The first `cap` candidates by (order, record), in that order.
std::vector<std::string> take_first(std::vector<Candidate> candidates, std::size_t cap);

// Per split: the first caps[split] candidates[split].
void fill_splits(Task& task, std::array<std::vector<Candidate>, 3> candidates, const std::array<std::size_t, 3>& caps);

// The records shuffled into a fixed order (by their hash), e.g. to interleave classes.
std::vector<std::string> in_hash_order(std::vector<std::string> records);

// Longest sentence (in words or tokens) any task keeps, so that fine-tuning on a CPU stays quick.
inline constexpr std::size_t kMaxWords = 64;

// Tab-joined fields; every field must be free of tabs and newlines (clean_text output is).
std::string tsv_row(std::initializer_list<std::string_view> fields);

// Writes out_dir/<name>/{train,dev,test}.{tsv,conll} and returns the task's tasks.json entry.
nlohmann::json write_task(const Task& task, const std::string& out_dir);

}  // namespace peft::corpus
