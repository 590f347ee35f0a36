// Tests for the metric bundles: key names, binary versus macro F1, and mean squared error.
// Values are the hand-computed ones of the single-metric tests or trivial sums.
#include <gtest/gtest.h>

#include "core/error.h"
#include "eval/metric_set.h"

namespace peft::eval {
namespace {

using Metrics = std::map<std::string, double>;

TEST(MetricSet, BinaryClassificationUsesPositiveClassF1) {
  const Metrics m = classification_metrics({1, 1, 0, 0, 1}, {1, 0, 0, 1, 1}, 2);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m.at("accuracy"), 0.6);
  EXPECT_DOUBLE_EQ(m.at("f1"), 4.0 / 6.0);
  EXPECT_TRUE(m.count("mcc"));
}

TEST(MetricSet, MulticlassUsesMacroF1) {
  const Metrics m = classification_metrics({0, 1, 1, 1, 2, 0}, {0, 0, 1, 1, 2, 2}, 3);
  EXPECT_DOUBLE_EQ(m.at("f1"), (0.5 + 0.8 + 2.0 / 3.0) / 3.0);
}

TEST(MetricSet, Regression) {
  // errors (0, 1, -2): mse 5 / 3
  const Metrics m = regression_metrics({1, 3, 1}, {1, 2, 3});
  ASSERT_EQ(m.size(), 3u);
  EXPECT_DOUBLE_EQ(m.at("mse"), 5.0 / 3.0);
  EXPECT_TRUE(m.count("pearson"));
  EXPECT_TRUE(m.count("spearman"));
}

TEST(MetricSet, EmptyAndMismatchedAreErrors) {
  EXPECT_THROW(classification_metrics({}, {}, 2), Error);
  EXPECT_THROW(classification_metrics({0}, {0, 1}, 3), Error);
  EXPECT_THROW(regression_metrics({}, {}), Error);
  EXPECT_THROW(regression_metrics({1.0}, {1.0, 2.0}), Error);
}

}  // namespace
}  // namespace peft::eval
