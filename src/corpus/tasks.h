// Builds all five downstream tasks from the installed packages and writes them, with the tasks.json
// index that describes them, under one output directory.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "corpus/sources.h"

namespace peft::corpus {

struct TaskSummary {
  std::string name;
  std::array<std::size_t, 3> sizes{};  // records in train, dev, test
  std::size_t num_labels = 0;
  std::uintmax_t bytes = 0;            // of its three files
};

struct TaskStats {
  std::vector<TaskSummary> tasks;
  std::uintmax_t total_bytes = 0;      // all task files plus tasks.json
};

// Writes out_dir/<task>/{train,dev,test}.{tsv,conll} for topic, fortune, pair, similarity, tagging,
// and out_dir/tasks.json: per task its name, kind, format, columns, labels, num_labels, files
// (relative to out_dir), sizes and metric.
TaskStats build_tasks(const Sources& sources, const std::string& out_dir);

}  // namespace peft::corpus
