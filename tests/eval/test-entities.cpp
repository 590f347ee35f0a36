// Tests for entity extraction and entity-level F1 on hand-made IOB1 / IOB2 / BIOES sequences, including a
// type mismatch, a wrong span, a dangling I- and malformed tags; expected spans follow seqeval's rules.
#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/metrics.h"

namespace peft::eval {
namespace {

using Entities = std::vector<Entity>;

TEST(Entities, Iob2) {
  EXPECT_EQ(extract_entities({"B-PER", "I-PER", "O", "B-LOC"}), (Entities{{"PER", 0, 1}, {"LOC", 3, 3}}));
  EXPECT_EQ(extract_entities({"B-PER", "B-PER", "I-PER"}), (Entities{{"PER", 0, 0}, {"PER", 1, 2}}));
  EXPECT_EQ(extract_entities({"O", "O"}), Entities{});
  EXPECT_EQ(extract_entities({}), Entities{});
}

TEST(Entities, DanglingInsideStartsAnEntity) {
  EXPECT_EQ(extract_entities({"O", "I-PER", "I-PER", "O"}), (Entities{{"PER", 1, 2}}));
  EXPECT_EQ(extract_entities({"I-MISC"}), (Entities{{"MISC", 0, 0}}));
}

TEST(Entities, TypeChangeSplitsAnEntity) {
  EXPECT_EQ(extract_entities({"B-PER", "I-LOC", "I-LOC"}), (Entities{{"PER", 0, 0}, {"LOC", 1, 2}}));
}

TEST(Entities, Iob1) {  // B- only separates adjacent entities of one type
  EXPECT_EQ(extract_entities({"I-PER", "I-PER", "B-PER", "O", "I-ORG"}),
            (Entities{{"PER", 0, 1}, {"PER", 2, 2}, {"ORG", 4, 4}}));
}

TEST(Entities, Bioes) {
  EXPECT_EQ(extract_entities({"S-PER", "B-LOC", "I-LOC", "E-LOC", "E-LOC", "S-MISC", "I-MISC"}),
            (Entities{{"PER", 0, 0}, {"LOC", 1, 3}, {"LOC", 4, 4}, {"MISC", 5, 5}, {"MISC", 6, 6}}));
}

TEST(Entities, BareAndMalformedTags) {
  EXPECT_EQ(extract_entities({"B", "I", "O"}), (Entities{{"", 0, 1}}));
  EXPECT_EQ(extract_entities({"O", "I", "E", "I"}), (Entities{{"", 1, 2}, {"", 3, 3}}));
  EXPECT_THROW(extract_entities({"PER"}), Error);
  EXPECT_THROW(extract_entities({"X-PER"}), Error);
  EXPECT_THROW(extract_entities({"B_PER"}), Error);
  EXPECT_THROW(extract_entities({""}), Error);
}

TEST(EntityF1, MicroAveragedExactMatches) {
  const std::vector<std::vector<std::string>> gold = {
      {"B-PER", "I-PER", "O", "B-LOC"},  // PER(0,1) LOC(3,3)
      {"B-ORG", "O"},                    // ORG(0,0)
      {"B-MISC", "I-MISC", "O"},         // MISC(0,1)
      {"O", "O"},
  };
  const std::vector<std::vector<std::string>> pred = {
      {"B-PER", "I-PER", "O", "B-ORG"},  // PER correct; ORG(3,3) has the wrong type
      {"I-ORG", "O"},                    // dangling I- gives ORG(0,0): correct
      {"B-MISC", "O", "O"},              // MISC(0,0): wrong span
      {"O", "B-PER"},                    // PER(1,1): spurious
  };
  const EntityScores s = entity_f1(gold, pred);
  EXPECT_EQ(s.gold_entities, 4u);
  EXPECT_EQ(s.pred_entities, 5u);
  EXPECT_EQ(s.correct, 2u);
  EXPECT_DOUBLE_EQ(s.precision, 0.4);
  EXPECT_DOUBLE_EQ(s.recall, 0.5);
  EXPECT_DOUBLE_EQ(s.f1, 2 * 0.4 * 0.5 / 0.9);
}

TEST(EntityF1, EntitiesDoNotCrossSentences) {
  // The same span in a different sentence is not a match.
  const EntityScores s = entity_f1({{"B-PER"}, {"O"}}, {{"O"}, {"B-PER"}});
  EXPECT_EQ(s.correct, 0u);
  EXPECT_DOUBLE_EQ(s.f1, 0.0);
}

TEST(EntityF1, NoEntitiesAnywhereScoresZero) {
  const EntityScores s = entity_f1({{"O"}}, {{"O"}});
  EXPECT_DOUBLE_EQ(s.precision, 0.0);
  EXPECT_DOUBLE_EQ(s.recall, 0.0);
  EXPECT_DOUBLE_EQ(s.f1, 0.0);
}

TEST(EntityF1, ShapeMismatchesAreErrors) {
  EXPECT_THROW(entity_f1({{"O"}}, {}), Error);
  EXPECT_THROW(entity_f1({}, {}), Error);
  try {
    entity_f1({{"O"}, {"O", "O"}}, {{"O"}, {"O"}});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "entity_f1: sentence 2 has 2 gold tags but 1 predicted");
  }
}

}  // namespace
}  // namespace peft::eval
