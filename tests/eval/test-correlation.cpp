// Tests for Pearson and Spearman correlation on hand-computed cases, including tied ranks, constant
// inputs and values far from zero.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "eval/metrics.h"

namespace peft::eval {
namespace {

TEST(Pearson, KnownValue) {
  // dx = (-2,-1,0,1,2), dy = (-2,0,1,0,1): sxy 6, sxx 10, syy 6 -> 6 / sqrt(60)
  EXPECT_NEAR(pearson({1, 2, 3, 4, 5}, {2, 4, 5, 4, 5}), 6.0 / std::sqrt(60.0), 1e-12);
  EXPECT_NEAR(pearson({1, 2, 3}, {10, 20, 30}), 1.0, 1e-12);
  EXPECT_NEAR(pearson({1, 2, 3}, {3, 2, 1}), -1.0, 1e-12);
}

TEST(Pearson, StableFarFromZero) { EXPECT_NEAR(pearson({1e9 + 1, 1e9 + 2, 1e9 + 3}, {1, 2, 3}), 1.0, 1e-9); }

TEST(Pearson, ConstantSideGivesZero) {
  EXPECT_DOUBLE_EQ(pearson({2, 2, 2}, {1, 2, 3}), 0.0);
  EXPECT_DOUBLE_EQ(pearson({7}, {3}), 0.0);
}

TEST(Spearman, TiesShareTheirMeanRank) {
  // ranks x = (1, 2.5, 2.5, 4), y = (1, 3, 2, 4): r = 4.5 / sqrt(4.5 * 5) = 3 / sqrt(10)
  EXPECT_NEAR(spearman({1, 2, 2, 3}, {1, 3, 2, 4}), 3.0 / std::sqrt(10.0), 1e-12);
  // ranks x = (1, 3, 3, 3, 5), y = (1, 2, 3, 4, 5): sxy 8, sxx 8, syy 10 -> 8 / sqrt(80)
  EXPECT_NEAR(spearman({0.5, 7, 7, 7, 9}, {1, 2, 3, 4, 5}), 8.0 / std::sqrt(80.0), 1e-12);
}

TEST(Spearman, MonotoneButNonlinearIsOne) {
  EXPECT_NEAR(spearman({1, 2, 3, 4}, {std::exp(1.0), std::exp(2.0), std::exp(3.0), std::exp(40.0)}), 1.0, 1e-12);
  EXPECT_NEAR(spearman({4, 1, 3, 2}, {-4, -1, -3, -2}), -1.0, 1e-12);
}

TEST(CorrelationInputs, EmptyAndMismatchedAreErrors) {
  EXPECT_THROW(pearson({}, {}), Error);
  EXPECT_THROW(spearman({}, {}), Error);
  EXPECT_THROW(pearson({1, 2}, {1}), Error);
  EXPECT_THROW(spearman({1}, {1, 2}), Error);
}

}  // namespace
}  // namespace peft::eval
