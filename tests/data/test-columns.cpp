// Tests for column choice: the real GLUE / NLI headers, explicit names, and errors that list the header.
// Headers are copied from the published GLUE, SNLI and Hugging Face files.
#include <gtest/gtest.h>

#include "data/columns.h"
#include "support/scratch.h"

namespace peft::data {
namespace {

using test::error_of;
using Names = std::vector<std::string>;

ColumnChoice detect(const Names& header) { return choose_columns({}, header, "x.tsv:1"); }

TEST(Columns, SingleSentenceTasks) {
  const ColumnChoice sst2 = detect({"sentence", "label"});
  EXPECT_EQ(sst2.text_a, "sentence");
  EXPECT_EQ(sst2.text_b, std::nullopt);
  EXPECT_EQ(sst2.label, "label");
  EXPECT_EQ(detect({"index", "sentence"}).label, std::nullopt);  // a GLUE test set
  EXPECT_EQ(detect({"text", "label"}).text_a, "text");
}

TEST(Columns, SentencePairTasks) {
  const ColumnChoice qnli = detect({"index", "question", "sentence", "label"});
  EXPECT_EQ(qnli.text_a, "question");
  EXPECT_EQ(qnli.text_b, "sentence");

  const ColumnChoice mrpc = detect({"Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"});
  EXPECT_EQ(mrpc.text_a, "#1 String");
  EXPECT_EQ(mrpc.text_b, "#2 String");
  EXPECT_EQ(mrpc.label, "Quality");

  const ColumnChoice stsb = detect(
      {"index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2", "score"});
  EXPECT_EQ(stsb.text_a, "sentence1");
  EXPECT_EQ(stsb.text_b, "sentence2");
  EXPECT_EQ(stsb.label, "score");

  const ColumnChoice mnli =
      detect({"index", "promptID", "pairID", "genre", "sentence1_binary_parse", "sentence2_binary_parse",
              "sentence1_parse", "sentence2_parse", "sentence1", "sentence2", "label1", "gold_label"});
  EXPECT_EQ(mnli.text_a, "sentence1");
  EXPECT_EQ(mnli.text_b, "sentence2");
  EXPECT_EQ(mnli.label, "gold_label");

  const ColumnChoice qqp = detect({"id", "qid1", "qid2", "question1", "question2", "is_duplicate"});
  EXPECT_EQ(qqp.text_a, "question1");
  EXPECT_EQ(qqp.text_b, "question2");
  EXPECT_EQ(qqp.label, "is_duplicate");

  const ColumnChoice nli = detect({"hypothesis", "idx", "label", "premise"});  // sorted JSON keys
  EXPECT_EQ(nli.text_a, "premise");
  EXPECT_EQ(nli.text_b, "hypothesis");
}

TEST(Columns, SentenceIsSecondTextOnlyAfterQuestion) {
  EXPECT_EQ(detect({"sentence1", "sentence", "label"}).text_b, std::nullopt);
}

TEST(Columns, ExplicitNamesOverrideDetection) {
  const ColumnChoice c = choose_columns({"review", "", "stars"}, {"id", "review", "stars", "label"}, "x.csv:1");
  EXPECT_EQ(c.text_a, "review");
  EXPECT_EQ(c.text_b, std::nullopt);
  EXPECT_EQ(c.label, "stars");
  EXPECT_EQ(choose_columns({"question", "", ""}, {"question", "sentence"}, "x:1").text_b, "sentence");
}

TEST(Columns, UnknownExplicitNameListsTheHeader) {
  EXPECT_EQ(error_of([] {
              choose_columns({"", "", "target"}, {"sentence", "label"}, "train.tsv:1");
            }),
            "train.tsv:1: column 'target' not found (columns: sentence, label)");
  EXPECT_EQ(error_of([] {
              choose_columns({"", "hyp", ""}, {"premise", "label"}, "dev.jsonl:1");
            }),
            "dev.jsonl:1: column 'hyp' not found (columns: premise, label)");
}

TEST(Columns, NoTextColumnIsAnError) {
  EXPECT_EQ(error_of([] {
              detect({"id", "review", "label"});
            }),
            "x.tsv:1: no text column found (columns: id, review, label); expected one of sentence1, question1, "
            "question, premise, #1 String, sentence, text, or name it explicitly");
}

}  // namespace
}  // namespace peft::data
