// Tests for LabelMap ordering and lookups, and parse_score, with exact error messages.
// Orders are those a Python sorted() over ints / strs gives.
#include <gtest/gtest.h>

#include "data/labels.h"
#include "support/scratch.h"

namespace peft::data {
namespace {

using test::error_of;
using Names = std::vector<std::string>;

TEST(LabelMap, IntegerLabelsSortNumerically) {
  EXPECT_EQ(LabelMap::from_labels({"10", "2", "1", "2", "0"}).names(), (Names{"0", "1", "2", "10"}));
  EXPECT_EQ(LabelMap::from_labels({"1", "-1", "0"}).names(), (Names{"-1", "0", "1"}));
}

TEST(LabelMap, OtherLabelsSortLexicographically) {
  EXPECT_EQ(LabelMap::from_labels({"neutral", "entailment", "contradiction", "neutral"}).names(),
            (Names{"contradiction", "entailment", "neutral"}));
  EXPECT_EQ(LabelMap::from_labels({"10", "2", "1.5"}).names(), (Names{"1.5", "10", "2"}));
  EXPECT_EQ(LabelMap::from_labels({"10", "2", "x"}).names(), (Names{"10", "2", "x"}));
}

TEST(LabelMap, IdsAndNames) {
  const LabelMap m = LabelMap::from_labels({"b", "a", "c"});
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.id("a"), 0);
  EXPECT_EQ(m.id("c"), 2);
  EXPECT_EQ(m.name(1), "b");
  EXPECT_EQ(error_of([&] { m.id("x"); }), "unknown label 'x' (known: a, b, c)");
  EXPECT_EQ(error_of([&] { m.name(3); }), "label id 3 out of range (3 labels)");
  EXPECT_EQ(error_of([&] { m.name(-1); }), "label id -1 out of range (3 labels)");
}

TEST(LabelMap, ExplicitNamesKeepTheirOrder) {
  const LabelMap m(Names{"positive", "negative"});
  EXPECT_EQ(m.id("negative"), 1);
  EXPECT_EQ(error_of([] { LabelMap(Names{"a", "b", "a"}); }), "duplicate label name 'a'");
  EXPECT_EQ(error_of([] {
              LabelMap::from_labels({"a", ""});
            }),
            "empty label name (does the data have a label column?)");
  EXPECT_EQ(error_of([] { LabelMap::from_labels({}); }), "cannot build a label map from no labels");
}

TEST(ParseScore, ParsesFiniteNumbers) {
  EXPECT_DOUBLE_EQ(parse_score("3.800", "x"), 3.8);
  EXPECT_DOUBLE_EQ(parse_score("-1", "x"), -1.0);
  EXPECT_DOUBLE_EQ(parse_score("2e-1", "x"), 0.2);
}

TEST(ParseScore, RejectsNonNumbersNamingTheContext) {
  EXPECT_EQ(error_of([] { parse_score("high", "train.tsv:17"); }), "train.tsv:17: label 'high' is not a number");
  for (const char* bad : {"", "3.8x", " 3.8", "nan", "inf"})
    EXPECT_NE(error_of([&] { parse_score(bad, "c"); }), "<no error>") << bad;
}

}  // namespace
}  // namespace peft::data
