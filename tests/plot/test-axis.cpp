// Tests for axis ticks: nice linear steps, decade ticks on log axes, and their labels.
#include <gtest/gtest.h>

#include <cmath>

#include "plot/axis.h"

using peft::plot::Axis;
using peft::plot::make_axis;

namespace {

std::vector<std::string> labels(const Axis& axis) {
  std::vector<std::string> out;
  for (const auto& t : axis.ticks)
    if (!t.label.empty()) out.push_back(t.label);
  return out;
}

}  // namespace

TEST(Axis, LinearTicksAreNiceAndCoverTheData) {
  const Axis axis = make_axis(0.71, 0.93, false, false);
  EXPECT_LT(axis.lo, 0.71);
  EXPECT_GT(axis.hi, 0.93);
  EXPECT_EQ(labels(axis), (std::vector<std::string>{"0.70", "0.75", "0.80", "0.85", "0.90"}));
  EXPECT_DOUBLE_EQ(axis.position(axis.lo), 0);
  EXPECT_DOUBLE_EQ(axis.position(axis.hi), 1);
}

TEST(Axis, LinearPercentAndSingleValue) {
  EXPECT_EQ(labels(make_axis(0.0, 0.5, false, true)),
            (std::vector<std::string>{"0%", "10%", "20%", "30%", "40%", "50%"}));
  const Axis single = make_axis(3, 3, false, false);
  EXPECT_LT(single.lo, 3);
  EXPECT_GT(single.hi, 3);
  EXPECT_FALSE(single.ticks.empty());
  EXPECT_NEAR(single.position(3), 0.5, 1e-9);
  EXPECT_FALSE(make_axis(0, 0, false, false).ticks.empty());
}

TEST(Axis, LogTicksAreDecades) {
  const Axis axis = make_axis(0.0005, 1.0, true, false);
  EXPECT_TRUE(axis.log);
  EXPECT_EQ(labels(axis), (std::vector<std::string>{"0.001", "0.01", "0.1", "1"}));
  EXPECT_GT(axis.ticks.size(), 20u);  // minor ticks 2..9 per decade
  EXPECT_NEAR(axis.position(std::sqrt(axis.lo * axis.hi)), 0.5, 1e-9);
  EXPECT_EQ(labels(make_axis(1e-7, 1e-5, true, false)), (std::vector<std::string>{"1e-7", "1e-6", "1e-5"}));
}

TEST(Axis, LogPercentLabels) {
  EXPECT_EQ(labels(make_axis(0.0005, 1.0, true, true)), (std::vector<std::string>{"0.1%", "1%", "10%", "100%"}));
}

TEST(Axis, LogWithinOneDecadeWidensToWholeDecades) {
  const Axis axis = make_axis(0.002, 0.005, true, true);
  EXPECT_EQ(labels(axis), (std::vector<std::string>{"0.1%", "0.2%", "0.5%", "1%"}));
  EXPECT_DOUBLE_EQ(axis.lo, 0.001);
  EXPECT_DOUBLE_EQ(axis.hi, 0.01);
}

TEST(Axis, ShortLogRangesLabelTwosAndFives) {  // e.g. adapters at 1.5-4% next to full fine-tuning
  EXPECT_EQ(labels(make_axis(0.015, 1.0, true, true)),
            (std::vector<std::string>{"2%", "5%", "10%", "20%", "50%", "100%"}));
  EXPECT_EQ(labels(make_axis(0.015, 1.0, true, false)),
            (std::vector<std::string>{"0.02", "0.05", "0.1", "0.2", "0.5", "1"}));
}

TEST(Axis, ManyDecadesAreThinned) {
  const Axis axis = make_axis(1e-20, 1.0, true, false);
  EXPECT_LE(labels(axis).size(), 11u);
  EXPECT_GE(labels(axis).size(), 5u);
}

TEST(Axis, ExtremeRangesTerminate) {
  EXPECT_LE(make_axis(1e16, 1e16 + 4, false, false).ticks.size(), 50u);
  make_axis(-1e308, 1e308, false, false);
  make_axis(1e-300, 1e300, true, false);
}
