// Tests for accuracy, F1 and MCC against values computed by hand from the confusion matrices noted
// beside each case (they agree with sklearn.metrics on the same inputs).
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "eval/metrics.h"

namespace peft::eval {
namespace {

using Ids = std::vector<int64_t>;

TEST(Accuracy, FractionCorrect) {
  EXPECT_DOUBLE_EQ(accuracy({1, 0, 2, 2}, {1, 0, 2, 0}), 0.75);
  EXPECT_DOUBLE_EQ(accuracy({5}, {5}), 1.0);
}

TEST(F1Binary, PositiveClassOnly) {
  // positive 1: TP 2, FP 1, FN 1 -> 2*2 / (4 + 1 + 1)
  EXPECT_DOUBLE_EQ(f1_binary({1, 1, 0, 0, 1}, {1, 0, 0, 1, 1}), 4.0 / 6.0);
  // positive 0: TP 1, FP 1, FN 1 -> 2 / 4
  EXPECT_DOUBLE_EQ(f1_binary({1, 1, 0, 0, 1}, {1, 0, 0, 1, 1}, 0), 0.5);
  EXPECT_DOUBLE_EQ(f1_binary({0, 0}, {0, 0}), 0.0);  // no positives anywhere
}

TEST(F1Macro, MeanOverClassesPresent) {
  // class 0: TP 1 FP 1 FN 1 -> 1/2; class 1: TP 2 FP 1 FN 0 -> 4/5; class 2: TP 1 FP 0 FN 1 -> 2/3
  const Ids pred = {0, 1, 1, 1, 2, 0}, gold = {0, 0, 1, 1, 2, 2};
  const double expected = (0.5 + 0.8 + 2.0 / 3.0) / 3.0;
  EXPECT_DOUBLE_EQ(f1_macro(pred, gold, 3), expected);
  EXPECT_DOUBLE_EQ(f1_macro(pred, gold, 5), expected);  // classes 3, 4 never occur: not averaged in
  EXPECT_THROW(f1_macro({0, 3}, {0, 1}, 3), Error);
  EXPECT_THROW(f1_macro({0, -1}, {0, 1}, 3), Error);
}

TEST(Matthews, BinaryKnownConfusionMatrix) {
  // TP 6, TN 3, FP 1, FN 2: (6*3 - 1*2) / sqrt(7 * 8 * 4 * 5) = 16 / sqrt(1120)
  Ids pred, gold;
  auto add = [&](int64_t p, int64_t g, int times) {
    for (int i = 0; i < times; ++i) pred.push_back(p), gold.push_back(g);
  };
  add(1, 1, 6);
  add(0, 0, 3);
  add(1, 0, 1);
  add(0, 1, 2);
  EXPECT_NEAR(matthews_corrcoef(pred, gold), 16.0 / std::sqrt(1120.0), 1e-12);
  EXPECT_NEAR(matthews_corrcoef(pred, gold), 0.4780914437337575, 1e-12);
}

TEST(Matthews, MulticlassGorodkin) {
  // n 6, correct 4, gold counts t = (2, 1, 3), predicted counts p = (3, 0, 3):
  // (6*4 - (6 + 0 + 9)) / sqrt((36 - 18) * (36 - 14)) = 9 / sqrt(396)
  EXPECT_NEAR(matthews_corrcoef({0, 0, 2, 2, 0, 2}, {2, 0, 2, 2, 0, 1}), 9.0 / std::sqrt(396.0), 1e-12);
}

TEST(Matthews, BinaryAgreesWithTextbookFormula) {
  // Pseudo-random 0/1 vectors; MCC = (TP*TN - FP*FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)).
  uint32_t state = 12345;
  auto bit = [&] { return static_cast<int64_t>(((state = state * 1103515245u + 12345u) >> 16) & 1u); };
  for (int trial = 0; trial < 20; ++trial) {
    Ids pred, gold;
    double tp = 0, tn = 0, fp = 0, fn = 0;
    for (int i = 0; i < 50; ++i) {
      pred.push_back(bit());
      gold.push_back(bit());
      tp += pred.back() == 1 && gold.back() == 1;
      tn += pred.back() == 0 && gold.back() == 0;
      fp += pred.back() == 1 && gold.back() == 0;
      fn += pred.back() == 0 && gold.back() == 1;
    }
    const double expected = (tp * tn - fp * fn) / std::sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
    EXPECT_NEAR(matthews_corrcoef(pred, gold), expected, 1e-12) << "trial " << trial;
  }
}

TEST(Matthews, ExtremesAndUndefined) {
  EXPECT_DOUBLE_EQ(matthews_corrcoef({0, 1, 1, 0}, {0, 1, 1, 0}), 1.0);
  EXPECT_DOUBLE_EQ(matthews_corrcoef({1, 0, 0, 1}, {0, 1, 1, 0}), -1.0);
  EXPECT_DOUBLE_EQ(matthews_corrcoef({1, 1, 1, 1}, {0, 1, 1, 0}), 0.0);  // constant prediction
  EXPECT_DOUBLE_EQ(matthews_corrcoef({1, 1}, {1, 1}), 0.0);
}

TEST(ClassificationInputs, EmptyAndMismatchedAreErrors) {
  EXPECT_THROW(accuracy({}, {}), Error);
  EXPECT_THROW(f1_binary({}, {}), Error);
  EXPECT_THROW(f1_macro({}, {}, 2), Error);
  EXPECT_THROW(matthews_corrcoef({}, {}), Error);
  EXPECT_THROW(matthews_corrcoef({1}, {1, 0}), Error);
  try {
    accuracy({1, 0, 1}, {1, 0, 1, 1});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "accuracy: 3 predictions but 4 gold values");
  }
}

}  // namespace
}  // namespace peft::eval
