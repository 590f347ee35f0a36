// Tests of the five downstream tasks built from the made-up packages: determinism, the tasks.json
// index, label sets and balance, similarity range, CoNLL layout and headword tags.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "support/scratch.h"
#include "corpus/tasks.h"
#include "fixture.h"
#include "task_files.h"

using peft::test::TempDirTest;

using namespace peft::corpus;
using corpus_test::tsv_rows;

class Tasks : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    fx_ = corpus_test::write_fixture(path("packages"));
    out_ = path("tasks");
    stats_ = build_tasks(fx_.sources, out_);
    index_ = nlohmann::json::parse(peft::io::read_file(out_ + "/tasks.json"));
  }

  const nlohmann::json& task(const std::string& name) const {
    for (const auto& t : index_["tasks"])
      if (t["name"] == name) return t;
    throw std::runtime_error("no task " + name);
  }

  std::string file(const std::string& name, const std::string& split) const {
    return out_ + "/" + task(name)["files"][split].get<std::string>();
  }

  corpus_test::Fixture fx_;
  std::string out_;
  TaskStats stats_;
  nlohmann::json index_;
};

TEST_F(Tasks, TwoBuildsGiveIdenticalBytes) {
  const std::string again = path("again");
  build_tasks(fx_.sources, again);
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(out_)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(entry.path(), out_).string();
    EXPECT_EQ(peft::io::read_file(entry.path().string()), peft::io::read_file(again + "/" + rel)) << rel;
    ++files;
  }
  EXPECT_EQ(files, 5u * 3 + 1);
}

TEST_F(Tasks, IndexDescribesTheFiles) {
  const std::vector<std::string> names = {"topic", "fortune", "pair", "similarity", "tagging"};
  ASSERT_EQ(index_["tasks"].size(), names.size());
  ASSERT_EQ(stats_.tasks.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const nlohmann::json& t = index_["tasks"][i];
    EXPECT_EQ(t["name"], names[i]);
    EXPECT_EQ(stats_.tasks[i].name, names[i]);
    for (const char* split : {"train", "dev", "test"}) {
      const std::size_t size = t["sizes"][split];
      EXPECT_GT(size, 0u) << names[i] << " " << split;
      if (t["format"] == "tsv") {
        const auto rows = tsv_rows(file(names[i], split));
        EXPECT_EQ(rows[0], t["columns"].get<std::vector<std::string>>());
        EXPECT_EQ(rows.size(), size + 1);
        for (const auto& row : rows) EXPECT_EQ(row.size(), rows[0].size());
      } else {
        bool well_formed = false;
        EXPECT_EQ(corpus_test::conll_sentences(file(names[i], split), well_formed).size(), size);
        EXPECT_TRUE(well_formed);
      }
    }
  }
  EXPECT_EQ(task("topic")["num_labels"], 26);
  EXPECT_EQ(task("fortune")["num_labels"], fortune_task_categories().size());
  EXPECT_EQ(task("pair")["kind"], "pair");
  EXPECT_EQ(task("similarity")["kind"], "regression");
  EXPECT_EQ(task("similarity")["num_labels"], 1);
  EXPECT_EQ(task("tagging")["num_labels"], 9);
}

TEST_F(Tasks, ClassificationLabelsComeFromTheirLists) {
  for (const char* name : {"topic", "fortune", "pair"}) {
    const auto labels = task(name)["labels"].get<std::set<std::string>>();
    for (const char* split : {"train", "dev", "test"}) {
      const auto rows = tsv_rows(file(name, split));
      for (std::size_t r = 1; r < rows.size(); ++r) EXPECT_TRUE(labels.count(rows[r].back())) << name << ": " << rows[r].back();
    }
  }
  // The fixture's fortunes: 30 per class, dropped: the short one, and the one filed under every class.
  for (const auto& row : tsv_rows(file("fortune", "train"))) {
    EXPECT_NE(row[0], "Too short.");
    EXPECT_NE(row[0], "Shared wisdom of two files, told twice over.");
  }
}

TEST_F(Tasks, PairLabelsAreBalanced) {
  for (const char* split : {"train", "dev", "test"}) {
    std::map<std::string, int> counts;
    const auto rows = tsv_rows(file("pair", split));
    for (std::size_t r = 1; r < rows.size(); ++r) {
      ++counts[rows[r][2]];
      EXPECT_NE(rows[r][0], rows[r][1]);
    }
    EXPECT_GT(counts["1"], 0) << split;
    EXPECT_EQ(counts["0"], counts["1"]) << split;
  }
}

TEST_F(Tasks, SimilarityScoresSpreadOverZeroToFive) {
  std::set<int> bins;
  for (const char* split : {"train", "dev", "test"}) {
    const auto rows = tsv_rows(file("similarity", split));
    for (std::size_t r = 1; r < rows.size(); ++r) {
      const double score = std::stod(rows[r][2]);
      EXPECT_GE(score, 0.0);
      EXPECT_LE(score, 5.0);
      bins.insert(std::min(4, static_cast<int>(score)));
    }
  }
  EXPECT_EQ(bins.size(), 5u);
}

TEST_F(Tasks, ConllIsWellFormedAndTagsTheHeadword) {
  const auto labels = task("tagging")["labels"].get<std::set<std::string>>();
  std::set<std::string> seen;
  for (const char* split : {"train", "dev", "test"}) {
    bool well_formed = false;
    for (const corpus_test::Sentence& s : corpus_test::conll_sentences(file("tagging", split), well_formed)) {
      int spans = 0;
      for (std::size_t i = 0; i < s.tags.size(); ++i) {
        const std::string& tag = s.tags[i];
        ASSERT_TRUE(labels.count(tag)) << tag;
        if (tag == "O") continue;
        if (tag[0] == 'I') {
          ASSERT_GT(i, 0u);
          EXPECT_EQ(s.tags[i - 1].substr(1), tag.substr(1)) << "I- must continue a span of its type";
          continue;
        }
        ++spans;
        std::string words = s.tokens[i];
        std::size_t end = i + 1;
        for (; end < s.tags.size() && s.tags[end] == "I" + tag.substr(1); ++end) words += " " + s.tokens[end];
        const auto expected = fx_.headwords.find(words);
        ASSERT_NE(expected, fx_.headwords.end()) << "tagged span '" << words << "' is no headword";
        EXPECT_EQ(tag.substr(2), expected->second) << words;
        seen.insert(words);
      }
      EXPECT_GE(spans, 1);
    }
    EXPECT_TRUE(well_formed) << split;
  }
  // The irregular and multi-word forms are found through the exception lists.
  for (const char* special : {"geese", "took a breath", "able"}) EXPECT_TRUE(seen.count(special)) << special;
}
