// Tests of the pretraining corpus: determinism, no text that a task holds out for dev or test,
// and what it keeps (train texts, every fortune file but ascii-art).
#include <gtest/gtest.h>

#include <set>

#include "support/scratch.h"
#include "corpus/corpus.h"
#include "corpus/held_out.h"
#include "corpus/tasks.h"
#include "corpus/text.h"
#include "corpus/wordnet.h"
#include "fixture.h"
#include "task_files.h"

using peft::test::TempDirTest;

using namespace peft::corpus;

class Corpus : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    fx_ = corpus_test::write_fixture(path("packages"));
    stats_ = build_corpus(fx_.sources, path("corpus.txt"));
    const std::vector<std::string> lines = corpus_test::file_lines(path("corpus.txt"));
    lines_.insert(lines.begin(), lines.end());
    EXPECT_EQ(lines_.size(), lines.size()) << "no line is written twice";
  }

  corpus_test::Fixture fx_;
  CorpusStats stats_;
  std::set<std::string> lines_;
};

TEST_F(Corpus, TwoBuildsGiveIdenticalBytesAndHonestStats) {
  build_corpus(fx_.sources, path("again.txt"));
  const std::string text = peft::io::read_file(path("corpus.txt"));
  EXPECT_EQ(text, peft::io::read_file(path("again.txt")));
  EXPECT_EQ(stats_.bytes, text.size());
  EXPECT_EQ(stats_.lines, lines_.size());
  EXPECT_EQ(stats_.words, word_count(text));
  EXPECT_GT(stats_.wordnet_lines, 0u);
  EXPECT_GT(stats_.fortune_lines, 0u);
  EXPECT_EQ(stats_.gcide_lines, 3u);
  EXPECT_GT(stats_.held_out, 0u);
}

TEST_F(Corpus, HoldsNoDevOrTestSynsetText) {
  const WordNet wn = load_wordnet(fx_.sources.wordnet_dir);
  std::size_t train_texts = 0;
  for (const Synset& s : wn.synsets) {
    const bool held = synset_split(s) != Split::train;
    EXPECT_EQ(lines_.count(s.definition), held ? 0u : 1u) << s.definition;
    for (const std::string& example : s.examples) EXPECT_EQ(lines_.count(example), held ? 0u : 1u) << example;
    train_texts += !held;
  }
  EXPECT_GT(train_texts, 0u);
}

TEST_F(Corpus, HoldsNoDevOrTestSentenceOfAnyTask) {
  build_tasks(fx_.sources, path("tasks"));
  std::size_t checked = 0;
  for (const char* split : {"dev", "test"}) {
    for (const char* task : {"topic", "fortune", "pair", "similarity"}) {
      const auto rows = corpus_test::tsv_rows(path("tasks") + "/" + task + "/" + split + ".tsv");
      for (std::size_t r = 1; r < rows.size(); ++r)
        for (std::size_t c = 0; c + 1 < rows[r].size(); ++c, ++checked) EXPECT_FALSE(lines_.count(rows[r][c])) << rows[r][c];
    }
    bool well_formed = false;
    for (const auto& s : corpus_test::conll_sentences(path("tasks") + "/tagging/" + split + ".conll", well_formed)) {
      std::string text;
      for (const std::string& token : s.tokens) text += (text.empty() ? "" : " ") + token;
      EXPECT_FALSE(lines_.count(text)) << text;  // the fixture's examples hold no punctuation to re-attach
      ++checked;
    }
  }
  EXPECT_GT(checked, 0u);
}

TEST_F(Corpus, HoldsGcideProseUnlessLeftOut) {
  EXPECT_TRUE(lines_.count("One who abdicates a high office."));
  fx_.sources.gcide_path.clear();
  const CorpusStats without = build_corpus(fx_.sources, path("without.txt"));
  EXPECT_EQ(without.gcide_lines, 0u);
  EXPECT_EQ(without.lines, stats_.lines - stats_.gcide_lines);
}

TEST_F(Corpus, KeepsOtherFortunesButNotPictures) {
  EXPECT_TRUE(lines_.count("An underlined word."));
  // Too short for the task, fine for pretraining: kept unless its text falls in a held-out split.
  EXPECT_EQ(lines_.count("Too short."), fortune_split("Too short.") == Split::train ? 1u : 0u);
  for (const std::string& line : lines_) EXPECT_EQ(line.find("o.o"), std::string::npos);
}
