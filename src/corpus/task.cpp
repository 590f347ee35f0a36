// Selection of task records and the writer of task files: TSV with a header row (no quoting: fields
// never hold tabs or newlines) or CoNLL ("token tag" lines, a blank line after each sentence).
#include "corpus/task.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "io/atomic_file.h"

namespace peft::corpus {

std::vector<std::string> take_first(std::vector<Candidate> candidates, std::size_t cap) {
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.order != b.order ? a.order < b.order : a.record < b.record;
  });
  std::vector<std::string> records;
  for (std::size_t i = 0; i < candidates.size() && i < cap; ++i) records.push_back(std::move(candidates[i].record));
  return records;
}

void fill_splits(Task& task, std::array<std::vector<Candidate>, 3> candidates, const std::array<std::size_t, 3>& caps) {
  for (Split s : kSplits) task.split(s) = take_first(std::move(candidates[static_cast<int>(s)]), caps[static_cast<int>(s)]);
}

std::vector<std::string> in_hash_order(std::vector<std::string> records) {
  std::vector<Candidate> candidates;
  for (std::string& record : records) candidates.push_back({stable_hash(record), std::move(record)});
  const std::size_t all = candidates.size();
  return take_first(std::move(candidates), all);
}

std::string tsv_row(std::initializer_list<std::string_view> fields) {
  std::string row;
  for (std::string_view field : fields) {
    if (field.find_first_of("\t\n\r") != std::string_view::npos)
      throw std::logic_error("tsv_row: field holds a tab or newline: " + std::string(field));
    if (!row.empty()) row += '\t';
    row += field;
  }
  return row;
}

nlohmann::json write_task(const Task& task, const std::string& out_dir) {
  const bool conll = task.columns.empty();
  std::filesystem::create_directories(out_dir + "/" + task.name);
  nlohmann::json files = nlohmann::json::object(), sizes = nlohmann::json::object();
  for (Split s : kSplits) {
    const std::string file = task.name + "/" + split_name(s) + (conll ? ".conll" : ".tsv");
    std::string bytes;
    if (!conll) {
      for (const std::string& column : task.columns) bytes += (bytes.empty() ? "" : "\t") + column;
      bytes += '\n';
    }
    // A CoNLL block ends in "\n" already, so this newline is the blank line after the sentence.
    for (const std::string& record : task.split(s)) bytes += record + "\n";
    io::write_file_atomic(out_dir + "/" + file, bytes);
    files[split_name(s)] = file;
    sizes[split_name(s)] = task.split(s).size();
  }
  return {{"name", task.name},
          {"kind", task.kind},
          {"format", conll ? "conll" : "tsv"},
          {"columns", task.columns},
          {"labels", task.labels},
          {"num_labels", task.labels.empty() ? 1 : task.labels.size()},
          {"files", files},
          {"sizes", sizes},
          {"metric", task.metric}};
}

}  // namespace peft::corpus
