// Parity with HuggingFace transformers: the fixture checkpoints, run on the fixture inputs in eval mode,
// give HF's embeddings, last hidden states and logits to 1e-4 for every family and head we support, on the
// CPU and on a GPU where there is one.
#include <gtest/gtest.h>

#include <tuple>

#include "test_support.h"

namespace peft::testing {
namespace {

using models::TaskKind;

models::TaskModel load_eval(const std::string& case_name, TaskKind kind, int64_t num_labels,
                            models::LoadReport* report = nullptr) {
  auto model = models::load_task_model(fixture(case_name + "/model"), {kind, num_labels, 0}, report);
  model->eval();
  return model;
}

// The model's logits on the fixture's "single" batch against HF's.
::testing::AssertionResult matches_single_logits(models::TaskModel& model, const models::TensorMap& e) {
  torch::NoGradGuard no_grad;
  return AllClose(model->forward(inputs_of(e, "single")), at(e, "single.logits"));
}

TEST(HfParity, BertClassificationLoadsEveryTensorFromTheCheckpoint) {
  models::LoadReport report;
  auto model = load_eval("bert_cls", TaskKind::SequenceClassification, 0, &report);
  EXPECT_TRUE(report.initialised.empty()) << report.initialised.front();
  EXPECT_TRUE(report.unexpected.empty()) << report.unexpected.front();
  EXPECT_EQ(model->num_labels(), 3);  // from id2label
}

TEST(HfParity, BertEmbeddingsOutput) {
  auto model = load_eval("bert_cls", TaskKind::SequenceClassification, 0);
  auto e = expected("bert_cls");
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(AllClose(model->backbone->embed(inputs_of(e, "single")), at(e, "single.embeddings")));
}

TEST(HfParity, BertLastHiddenState) {
  auto model = load_eval("bert_cls", TaskKind::SequenceClassification, 0);
  auto e = expected("bert_cls");
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(AllClose(model->backbone->forward(inputs_of(e, "single")), at(e, "single.last_hidden_state")));
}

// What sequence classification runs: the last layer computes the first position alone.
TEST(HfParity, BertFirstTokenOfTheLastHiddenStateAlone) {
  auto model = load_eval("bert_cls", TaskKind::SequenceClassification, 0);
  auto e = expected("bert_cls");
  torch::NoGradGuard no_grad;
  const auto first = model->backbone->forward(inputs_of(e, "single"), /*first_token_only=*/true);
  EXPECT_EQ(first.size(1), 1);
  EXPECT_TRUE(AllClose(first, at(e, "single.last_hidden_state").narrow(1, 0, 1)));
}

TEST(HfParity, BertSequenceClassificationSingleAndPair) {
  auto model = load_eval("bert_cls", TaskKind::SequenceClassification, 0);
  auto e = expected("bert_cls");
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(AllClose(model->forward(inputs_of(e, "single")), at(e, "single.logits")));
  // Pairs exercise token type 1.
  ASSERT_TRUE(at(e, "pair.token_type_ids").eq(1).any().item<bool>());
  EXPECT_TRUE(AllClose(model->forward(inputs_of(e, "pair")), at(e, "pair.logits")));
}

TEST(HfParity, BertMaskedLMWithTiedDecoder) {
  auto model = load_eval("bert_mlm", TaskKind::MaskedLM, 0);
  auto e = expected("bert_mlm");
  EXPECT_TRUE(matches_single_logits(model, e));
}

TEST(HfParity, BertTokenClassification) {
  models::LoadReport report;
  auto model = load_eval("bert_tok", TaskKind::TokenClassification, 5, &report);
  EXPECT_TRUE(report.initialised.empty());
  auto e = expected("bert_tok");
  EXPECT_TRUE(matches_single_logits(model, e));
}

TEST(HfParity, RobertaSequenceClassificationWithShiftedPositions) {
  models::LoadReport report;
  auto model = load_eval("roberta_cls", TaskKind::SequenceClassification, 2, &report);
  EXPECT_TRUE(report.initialised.empty());
  EXPECT_TRUE(report.unexpected.empty());
  auto e = expected("roberta_cls");
  ASSERT_EQ(e.count("single.token_type_ids"), 0u);  // RoBERTa runs without token types
  EXPECT_TRUE(matches_single_logits(model, e));
}

TEST(HfParity, PaddingDoesNotChangeRealTokens) {
  // The same sentence alone and padded to the batch length gives the same logits (mask is honoured).
  auto model = load_eval("bert_cls", TaskKind::SequenceClassification, 0);
  auto e = expected("bert_cls");
  auto in = inputs_of(e, "single");
  const int64_t row = 0, len = in.attention_mask[row].sum().item<int64_t>();
  ASSERT_LT(len, in.input_ids.size(1));
  models::ModelInputs alone{in.input_ids.slice(0, row, row + 1).slice(1, 0, len),
                            in.token_type_ids.slice(0, row, row + 1).slice(1, 0, len),
                            in.attention_mask.slice(0, row, row + 1).slice(1, 0, len)};
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(AllClose(model->forward(alone), at(e, "single.logits").slice(0, row, row + 1)));
}

TEST(HfParity, EveryFamilyAndHeadOnCuda) {
  PEFT_SKIP_WITHOUT_CUDA();
  const std::vector<std::tuple<std::string, TaskKind, int64_t>> cases = {
      {"bert_cls", TaskKind::SequenceClassification, 0}, {"bert_mlm", TaskKind::MaskedLM, 0},
      {"bert_tok", TaskKind::TokenClassification, 5}, {"roberta_cls", TaskKind::SequenceClassification, 2}};
  for (const auto& [name, kind, labels] : cases) {
    auto model = load_eval(name, kind, labels);
    model->to(torch::kCUDA);
    const auto e = expected(name);
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(AllClose(model->forward(inputs_of(e, "single").to(torch::kCUDA)).cpu(), at(e, "single.logits")))
        << name;
  }
}

}  // namespace
}  // namespace peft::testing
