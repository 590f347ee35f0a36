// Tests for data order and batching: seeded epoch permutations, length-grouped batches, padding in
// collate, and predictions that come back in the data's order whatever order they were computed in.
#include <algorithm>
#include <numeric>

#include "test_support.h"
#include "train/batch.h"
#include "train/evaluate.h"

namespace peft::testing {
namespace {

std::vector<size_t> sorted(std::vector<size_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::vector<size_t> iota(size_t n) {
  std::vector<size_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(Batches, EpochOrderIsASeededPermutation) {
  const auto a = train::epoch_order(100, 7, 0);
  EXPECT_EQ(sorted(a), iota(100));
  EXPECT_EQ(train::epoch_order(100, 7, 0), a);
  EXPECT_NE(train::epoch_order(100, 7, 1), a);
  EXPECT_NE(train::epoch_order(100, 8, 0), a);
}

TEST(Batches, LengthGroupedBatchesPadLittle) {
  std::vector<size_t> lengths(1003);
  for (size_t i = 0; i < lengths.size(); ++i) lengths[i] = 5 + (i * 7919) % 60;
  const size_t batch = 16;
  const auto order = train::length_grouped_order(lengths, batch, 3, 2);
  EXPECT_EQ(sorted(order), iota(lengths.size()));
  EXPECT_EQ(train::length_grouped_order(lengths, batch, 3, 2), order);
  EXPECT_NE(train::length_grouped_order(lengths, batch, 3, 3), order);

  // Padding = sum over batches of (max length * size) - real tokens.
  auto padding = [&](const std::vector<size_t>& o) {
    size_t pad = 0;
    for (size_t start = 0; start < o.size(); start += batch) {
      const size_t end = std::min(start + batch, o.size());
      size_t longest = 0;
      for (size_t i = start; i < end; ++i) longest = std::max(longest, lengths[o[i]]);
      for (size_t i = start; i < end; ++i) pad += longest - lengths[o[i]];
    }
    return pad;
  };
  EXPECT_LT(padding(order) * 10, padding(train::epoch_order(lengths.size(), 3, 2)));

  // The short last batch (1003 = 62 x 16 + 11) stays last, so every other batch is full.
  const auto shuffled = train::epoch_order(lengths.size(), 3, 2);
  std::vector<size_t> tail(order.end() - 11, order.end());
  for (size_t i : tail) EXPECT_NE(std::find(shuffled.end() - 203, shuffled.end(), i), shuffled.end());
}

TEST(Batches, CollatePadsToTheLongestExample) {
  std::vector<train::Feature> features(2);
  features[0].input_ids = {2, 5, 6, 3};
  features[0].label = 1;
  features[1].input_ids = {2, 7, 3};
  features[1].token_type_ids = {0, 0, 1};
  features[1].label = 0;
  const size_t idx[] = {1, 0};
  const auto batch = train::collate(features, idx, 2, models::TaskKind::SequenceClassification, 0);
  EXPECT_TRUE(torch::equal(batch.inputs.input_ids, torch::tensor({2, 7, 3, 0, 2, 5, 6, 3}, torch::kLong).view({2, 4})));
  EXPECT_TRUE(torch::equal(batch.inputs.attention_mask,
                           torch::tensor({1, 1, 1, 0, 1, 1, 1, 1}, torch::kLong).view({2, 4})));
  EXPECT_TRUE(torch::equal(batch.inputs.token_type_ids,
                           torch::tensor({0, 0, 1, 0, 0, 0, 0, 0}, torch::kLong).view({2, 4})));
  EXPECT_TRUE(torch::equal(batch.labels, torch::tensor({0, 1}, torch::kLong)));
  EXPECT_EQ(batch.tokens, 7);
}

TEST(Batches, PredictionsComeBackInTheDatasOrder) {
  auto model = tiny_model(5);
  train::TaskData data;
  for (int i = 0; i < 9; ++i) {
    train::Feature f;
    f.input_ids.push_back(2);
    for (int k = 0; k < 1 + (i * 5) % 7; ++k) f.input_ids.push_back(4 + (i + k) % 40);
    f.input_ids.push_back(3);
    f.label = i % kTinyLabels;
    data.features.push_back(f);
  }
  methods::TaskInfo task;
  task.labels = {"a", "b", "c"};
  const auto all = train::predict(*model, data, task, 4, torch::kCPU, 0);
  ASSERT_EQ(all.logits.size(), data.features.size());
  for (size_t i = 0; i < data.features.size(); ++i) {
    train::TaskData one;
    one.features = {data.features[i]};
    const auto alone = train::predict(*model, one, task, 1, torch::kCPU, 0);
    EXPECT_TRUE(AllClose(all.logits[i], alone.logits[0], 1e-5)) << i;
    EXPECT_EQ(all.classes[i], alone.classes[0]) << i;
  }
}

}  // namespace
}  // namespace peft::testing
