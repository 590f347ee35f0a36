// Builds all five downstream tasks and writes them with their tasks.json index.
// Files are written atomically one by one; tasks.json is written last, so it only names files that exist.
#include "corpus/tasks.h"

#include <filesystem>

#include "corpus/builders.h"
#include "corpus/fortunes.h"
#include "corpus/held_out.h"
#include "corpus/wordnet.h"
#include "io/atomic_file.h"

namespace peft::corpus {

TaskStats build_tasks(const Sources& sources, const std::string& out_dir) {
  namespace fs = std::filesystem;
  const WordNet wn = load_wordnet(sources.wordnet_dir);
  Fortunes fortunes;
  for (const std::string& category : fortune_task_categories())
    for (std::string& text : read_fortunes(sources.fortunes_dir, category)) fortunes.emplace_back(category, std::move(text));

  const Task tasks[] = {build_topic_task(wn), build_fortune_task(fortunes), build_pair_task(wn),
                        build_similarity_task(wn), build_tagging_task(wn)};
  fs::create_directories(out_dir);
  TaskStats stats;
  nlohmann::json index = nlohmann::json::array();
  for (const Task& task : tasks) {
    nlohmann::json entry = write_task(task, out_dir);
    TaskSummary summary{task.name, {}, entry["num_labels"].get<std::size_t>(), 0};
    for (Split s : kSplits) {
      summary.sizes[static_cast<int>(s)] = task.split(s).size();
      summary.bytes += fs::file_size(out_dir + "/" + entry["files"][split_name(s)].get<std::string>());
    }
    stats.total_bytes += summary.bytes;
    stats.tasks.push_back(summary);
    index.push_back(std::move(entry));
  }
  const std::string json = nlohmann::json{{"tasks", index}}.dump(2) + "\n";
  io::write_file_atomic(out_dir + "/tasks.json", json);
  stats.total_bytes += json.size();
  return stats;
}

}  // namespace peft::corpus
