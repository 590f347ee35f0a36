// Task "fortune": a fortune cookie text -> the fortune file it comes from (computers, food, law, ...).
// Lengths are capped and classes balanced by a per-class cap in every split.
#include <map>
#include <set>

#include "corpus/builders.h"
#include "corpus/held_out.h"
#include "corpus/text.h"

namespace peft::corpus {
namespace {

constexpr std::array<std::size_t, 3> kPerClass = {160, 20, 20};  // train, dev, test
constexpr std::size_t kMinWords = 5;                              // shorter ones are mostly one-liners with no topic

}  // namespace

Task build_fortune_task(const Fortunes& all) {
  Task task{"fortune", "classification", "accuracy", {"sentence", "label"}, fortune_task_categories(), {}};
  // A text filed under two categories has no single label: drop it.
  std::map<std::string, std::set<std::string>> categories_of;
  for (const auto& [category, text] : all) categories_of[text].insert(category);
  std::map<std::string, std::array<std::vector<Candidate>, 3>> by_class;
  std::set<std::string> taken;  // a text repeated within one file is kept once
  for (const auto& [category, text] : all) {
    const std::size_t words = word_count(text);
    if (categories_of[text].size() != 1 || words < kMinWords || words > kMaxWords) continue;
    if (!taken.insert(text).second) continue;
    by_class[category][static_cast<int>(fortune_split(text))].push_back(
        {stable_hash("fortune:" + text), tsv_row({text, category})});
  }
  for (Split s : kSplits) {
    std::vector<std::string> records;
    for (auto& [category, candidates] : by_class) {
      std::vector<std::string> kept = take_first(std::move(candidates[static_cast<int>(s)]), kPerClass[static_cast<int>(s)]);
      records.insert(records.end(), kept.begin(), kept.end());
    }
    task.split(s) = in_hash_order(std::move(records));
  }
  return task;
}

}  // namespace peft::corpus
