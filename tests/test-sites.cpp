// The backbone contract's two sequence sites, each checked against a hand-built reference: vectors
// inserted at the input-sequence site (mask, token types and positions in step) and key/value rows
// prepended at every layer's key/value site (the mask extended to match).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "models/encoder.h"
#include "test_methods_dummy.h"
#include "test_support.h"

namespace peft::testing {
namespace {

models::EncoderBackbone& encoder_of(methods::PeftModel& peft) {
  return dynamic_cast<models::EncoderBackbone&>(*peft.model->backbone);
}

torch::Tensor additive(const torch::Tensor& mask) {
  return (1.0 - mask.to(torch::kFloat).unsqueeze(1).unsqueeze(2)) * std::numeric_limits<float>::lowest();
}

torch::Tensor splice(const torch::Tensor& t, int64_t at, const torch::Tensor& middle) {
  return torch::cat({t.narrow(1, 0, at), middle, t.narrow(1, at, t.size(1) - at)}, 1);
}

TEST(InputSequenceSite, InsertedVectorsGetMaskTheNextTypeAndRenumberedPositions) {
  auto method = std::make_shared<InsertTwoVectors>(/*at=*/1);
  methods::PeftModel peft(tiny_model(1), method);
  peft.model->eval();
  const auto batch = random_batch(3);
  torch::NoGradGuard no_grad;
  const auto hidden = peft.model->backbone->forward(batch.inputs);

  auto& bert = encoder_of(peft);
  auto& e = *bert.embeddings;
  const auto B = batch.inputs.input_ids.size(0), L = batch.inputs.input_ids.size(1);
  const auto words = splice(e.word_embeddings->weight.index_select(0, batch.inputs.input_ids.flatten())
                                .view({B, L, -1}), 1, method->vectors.expand({B, 2, -1}));
  // The vectors take the token type of the slot they precede.
  const auto types = splice(batch.inputs.token_type_ids, 1, batch.inputs.token_type_ids.narrow(1, 1, 1).expand({B, 2}));
  const auto mask = splice(batch.inputs.attention_mask, 1, torch::ones({B, 2}, torch::kLong));
  const auto positions = torch::arange(L + 2, torch::kLong);
  auto x = words + e.position_embeddings->weight.index_select(0, positions).unsqueeze(0) +
           e.token_type_embeddings->weight.index_select(0, types.flatten()).view({B, L + 2, -1});
  x = e.LayerNorm(x);
  const auto expected = bert.encoder->forward(x, additive(mask), nn::ForwardContext{}, {});
  // The output keeps the input's tokens only: slot 0, then slots 3.. past the two inserted vectors.
  const auto tokens = torch::cat({torch::zeros({1}, torch::kLong), torch::arange(3, L + 2, torch::kLong)});
  EXPECT_EQ(hidden.size(1), L);
  EXPECT_TRUE(AllClose(hidden, expected.index_select(1, tokens), 1e-5));
  // The classifier reads position 0 of the extended sequence, and its last layer computes that alone.
  const auto first = peft.model->backbone->forward(batch.inputs, /*first_token_only=*/true);
  EXPECT_TRUE(AllClose(first.squeeze(1), expected.select(1, 0), 1e-5));
}

TEST(InputSequenceSite, AnInsertPastTheModelsPositionsIsAOneLineError) {
  methods::PeftModel peft(tiny_model(1), std::make_shared<InsertTwoVectors>(0));
  const auto batch = random_batch(3, 2, tiny_config().max_position_embeddings);
  const auto message = error_of([&] { peft.model->forward(batch.inputs); });
  EXPECT_TRUE(has(message, "inserted vectors")) << message;
}

TEST(KeyValueSite, PrependedRowsAreVisibleToEveryQueryAndPaddingStaysHidden) {
  auto method = std::make_shared<PrependKeyValues>(/*rows=*/3);
  methods::PeftModel peft(tiny_model(2), method);
  peft.model->eval();
  const auto c = tiny_config();
  const auto batch = random_batch(4);
  const auto B = batch.inputs.input_ids.size(0), L = batch.inputs.input_ids.size(1);
  torch::NoGradGuard no_grad;
  auto& self = *encoder_of(peft).encoder->layers[0]->attention->self;
  const auto h = torch::randn({B, L, c.hidden_size});
  const auto mask = additive(batch.inputs.attention_mask);
  const auto out = self.forward(h, h, mask, nn::ForwardContext{});

  const auto heads = c.num_attention_heads, d = c.head_dim();
  auto split = [&](const torch::Tensor& t) { return t.view({B, -1, heads, d}).transpose(1, 2); };
  const auto& rows = *method->layers[0];
  const auto k = torch::cat({rows.keys.expand({B, heads, 3, d}), split(self.key->forward(h))}, 2);
  const auto v = torch::cat({rows.values.expand({B, heads, 3, d}), split(self.value->forward(h))}, 2);
  const auto full_mask = torch::cat({torch::zeros({B, 1, 1, 3}), mask}, 3);
  const auto scores = torch::matmul(split(self.query->forward(h)), k.transpose(-1, -2)) / std::sqrt(double(d));
  const auto expected = torch::matmul(torch::softmax(scores + full_mask, -1), v).transpose(1, 2).reshape({B, L, -1});
  EXPECT_TRUE(AllClose(out, expected, 1e-5));

  // The whole model: the rows change its function, and without them it is the base again.
  const auto with_rows = peft.model->forward(batch.inputs);
  for (auto& site : peft.model->sites().key_value) site.site->detach("default");
  EXPECT_FALSE(AllClose(with_rows, peft.model->forward(batch.inputs), 1e-3));
  auto base = tiny_model(2);
  base->eval();
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs), base->forward(batch.inputs)));
}

}  // namespace
}  // namespace peft::testing
