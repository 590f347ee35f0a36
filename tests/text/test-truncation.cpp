// Tests of 'longest_first' truncation against the lengths HF tokenizers keeps for pairs of sequences
// (its own unit-test table for max 7, and runs of HF tokenizers 0.23).
#include <gtest/gtest.h>

#include "text/encoding.h"

namespace peft::text {
namespace {

Encoding of_length(size_t n) {
  Encoding e;
  for (size_t i = 0; i < n; ++i) {
    e.input_ids.push_back(static_cast<int64_t>(i));
    e.word_ids.push_back(static_cast<int>(i));
  }
  return e;
}

std::pair<size_t, size_t> kept(size_t n1, size_t n2, size_t max_tokens) {
  Encoding a = of_length(n1), b = of_length(n2);
  truncate_longest_first(a, &b, max_tokens);
  EXPECT_EQ(a.word_ids.size(), a.size());
  return {a.size(), b.size()};
}

TEST(Truncation, PairsKeepWhatHfKeeps) {
  struct Case {
    size_t n1, n2, max, k1, k2;
  };
  const Case cases[] = {
      {4, 4, 7, 3, 4},  {8, 4, 7, 4, 3},  {4, 8, 7, 3, 4},  {2, 8, 7, 2, 5},  {8, 2, 7, 5, 2},  {8, 8, 7, 3, 4},
      {5, 4, 7, 4, 3},  {10, 3, 7, 4, 3}, {9, 8, 9, 5, 4},  {10, 8, 9, 5, 4}, {12, 9, 9, 5, 4}, {9, 1, 9, 8, 1},
      {15, 2, 9, 7, 2}, {8, 8, 9, 4, 5},  {0, 12, 7, 0, 7}, {12, 0, 7, 7, 0}, {3, 3, 0, 0, 0},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(kept(c.n1, c.n2, c.max), std::make_pair(c.k1, c.k2)) << c.n1 << "," << c.n2 << " max " << c.max;
  }
}

TEST(Truncation, SingleSequenceKeepsItsStart) {
  Encoding a = of_length(10);
  truncate_longest_first(a, nullptr, 4);
  EXPECT_EQ(a.input_ids, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(a.word_ids, (std::vector<int>{0, 1, 2, 3}));
  truncate_longest_first(a, nullptr, 8);
  EXPECT_EQ(a.size(), 4u);
}

}  // namespace
}  // namespace peft::text
