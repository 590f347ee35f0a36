// The adapter family beyond LoRA and Houlsby: (IA)^3 against HF PEFT's golden fixture (unmerged and
// merged), DoRA's magnitude/direction split and its merge, and parallel adapters' scaled branch.
#include <gtest/gtest.h>

#include "test_support.h"

namespace peft::testing {
namespace {

using models::TaskKind;

// ---- (IA)^3: parity with HF PEFT -----------------------------------------------------------------------

methods::PeftModel load_hf_ia3() {
  auto base = models::load_task_model(fixture("bert_cls/model"), {TaskKind::SequenceClassification, 0, 0});
  return methods::PeftModel::load_adapter(base, fixture("bert_cls_ia3/adapter"));
}

TEST(Ia3Parity, HfAdapterLoadsAsIa3) {
  auto peft = load_hf_ia3();
  EXPECT_STREQ(peft.method->method_name(), "ia3");
  EXPECT_EQ(peft.method->own_tensors().size(), 8u);  // key, value, attention output, output of 2 layers
}

TEST(Ia3Parity, LogitsSingleAndPair) {
  auto peft = load_hf_ia3();
  peft.model->eval();
  auto e = expected("bert_cls_ia3");
  torch::NoGradGuard no_grad;
  const auto single = peft.model->forward(inputs_of(e, "single"));
  EXPECT_TRUE(AllClose(single, at(e, "single.logits")));
  EXPECT_TRUE(AllClose(peft.model->forward(inputs_of(e, "pair")), at(e, "pair.logits")));
  EXPECT_FALSE(AllClose(single, at(expected("bert_cls"), "single.logits")));  // the vectors matter
}

TEST(Ia3Parity, MergedMatchesHfAndUnmergeRestoresTheWeights) {
  auto peft = load_hf_ia3();
  peft.model->eval();
  auto e = expected("bert_cls_ia3");
  const auto in = inputs_of(e, "pair");
  torch::NoGradGuard no_grad;
  const auto before = snapshot(*peft.model);
  const auto unmerged = peft.model->forward(in);
  peft.model->merge_sites();
  const auto params = peft.model->named_parameters();
  const std::string layer = "bert.encoder.layer.0.";
  for (const auto* name : {"attention.self.key.weight", "attention.self.value.bias", "output.dense.weight",
                           "attention.output.dense.weight"})
    EXPECT_FALSE(torch::equal(params[layer + name], at(before, layer + name))) << name << " did not take the scale";
  for (const auto* name : {"attention.self.query.weight", "output.dense.bias", "intermediate.dense.weight"})
    EXPECT_TRUE(torch::equal(params[layer + name], at(before, layer + name))) << name << " changed";
  const auto merged = peft.model->forward(in);
  EXPECT_TRUE(AllClose(merged, at(e, "pair.logits")));
  EXPECT_TRUE(AllClose(merged, unmerged, 1e-5));
  peft.model->unmerge_sites();
  for (const auto& item : peft.model->named_parameters())
    EXPECT_TRUE(AllClose(item.value(), at(before, item.key()), 1e-6)) << item.key();
}

TEST(Ia3, FeedforwardModulesOutsideTheTargetsAreAnError) {
  const auto message = error_of([] {
    attach(tiny_model(1), "ia3", {{"target_modules", {"key", "value"}}, {"feedforward_modules", {"output.dense"}}});
  });
  EXPECT_TRUE(has(message, "ia3: feedforward_modules names bert.encoder.layer.0.attention.output.dense, which "
                           "target_modules does not")) << message;
  const auto typo = error_of([] {
    attach(tiny_model(1), "ia3", {{"target_modules", {"kee"}}, {"feedforward_modules", nlohmann::json::array()}});
  });
  EXPECT_TRUE(has(typo, "ia3: target_modules: 'kee' matched no module")) << typo;
}

// ---- DoRA -------------------------------------------------------------------------------------------

// A DoRA model whose factors and magnitudes are random, so the scale m / ||W + s·B·A|| is far from one.
methods::PeftModel random_dora(const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json config = {
      {"r", 4}, {"lora_alpha", 8}, {"use_dora", true}, {"target_modules", {"query", "intermediate.dense"}}};
  config.update(extra);
  auto peft = attach(tiny_model(1), "lora", config);
  torch::manual_seed(5);
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : peft.method->own_tensors()) t.add_(torch::randn_like(t) * 0.3);
  return peft;
}

// The scale from its definition: the norm of the whole updated weight, formed densely.
torch::Tensor dense_dora_weight(const torch::Tensor& w, const torch::Tensor& a, const torch::Tensor& b,
                                const torch::Tensor& m, double scaling) {
  const auto updated = w + torch::matmul(b, a) * scaling;
  return updated * (m / updated.norm(2, {1})).unsqueeze(1);
}

TEST(Dora, ForwardEqualsTheDenselyFormedWeight) {
  auto peft = random_dora();
  peft.model->eval();
  const auto batch = random_batch(3);
  torch::NoGradGuard no_grad;
  const auto logits = peft.model->forward(batch.inputs);
  // Replace each target's weight by m/||W + sBA|| (W + sBA) and drop the adapter: the same function.
  auto plain = tiny_model(1);
  auto params = plain->named_parameters();
  models::TensorMap own;
  for (auto& [name, t] : peft.method->own_tensors()) own.emplace(name, t);
  for (const auto* path : {"bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.1.intermediate.dense"}) {
    const std::string p = path;
    params[p + ".weight"].copy_(dense_dora_weight(params[p + ".weight"], at(own, p + ".lora_A.weight"),
                                                  at(own, p + ".lora_B.weight"), at(own, p + ".lora_magnitude_vector"),
                                                  8.0 / 4));
  }
  plain->eval();
  EXPECT_FALSE(AllClose(logits, plain->forward(batch.inputs), 1e-5));  // other layers still differ
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), logits, 0));
}

TEST(Dora, MergeEqualsUnmergedAndUnmergeRestoresTheWeights) {
  auto peft = random_dora();
  peft.model->eval();
  const auto batch = random_batch(4);
  torch::NoGradGuard no_grad;
  const auto before = snapshot(*peft.model);
  const auto unmerged = peft.model->forward(batch.inputs);
  peft.model->merge_sites();
  const std::string query = "bert.encoder.layer.0.attention.self.query.";
  models::TensorMap own;
  for (auto& [name, t] : peft.method->own_tensors()) own.emplace(name, t);
  EXPECT_TRUE(AllClose(peft.model->named_parameters()[query + "weight"],
                       dense_dora_weight(at(before, query + "weight"), at(own, query + "lora_A.weight"),
                                         at(own, query + "lora_B.weight"), at(own, query + "lora_magnitude_vector"),
                                         2.0),
                       1e-5));
  EXPECT_TRUE(torch::equal(peft.model->named_parameters()[query + "bias"], at(before, query + "bias")));
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), unmerged, 1e-5));
  peft.model->unmerge_sites();
  for (const auto& item : peft.model->named_parameters())
    EXPECT_TRUE(AllClose(item.value(), at(before, item.key()), 1e-5)) << item.key();
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), unmerged, 1e-5));
}

TEST(Dora, MagnitudesStartAtTheRowNormsSoTheModelStartsAsTheBase) {
  auto peft = attach(tiny_model(1), "lora", {{"r", 4}, {"use_dora", true}});
  const auto base = snapshot(*tiny_model(1));
  for (auto& [name, t] : peft.method->own_tensors())
    if (has(name, "lora_magnitude_vector")) {
      const auto path = name.substr(0, name.size() - std::string(".lora_magnitude_vector").size());
      EXPECT_TRUE(AllClose(t, at(base, path + ".weight").norm(2, {1}), 1e-6)) << name;
    }
}

TEST(Dora, FollowsAChangedFrozenWeight) {
  // The kept ||W||² must not outlive the weight it was computed from (e.g. a weight loaded after attach).
  auto peft = random_dora();
  peft.model->eval();
  const auto batch = random_batch(6);
  torch::NoGradGuard no_grad;
  peft.model->forward(batch.inputs);
  auto query = peft.model->named_parameters()["bert.encoder.layer.0.attention.self.query.weight"];
  query.mul_(1.5);
  const auto changed = peft.model->forward(batch.inputs);
  auto fresh = random_dora();
  fresh.model->named_parameters()["bert.encoder.layer.0.attention.self.query.weight"].mul_(1.5);
  fresh.model->eval();
  EXPECT_TRUE(AllClose(fresh.model->forward(batch.inputs), changed, 1e-6));
}

TEST(Dora, MagnitudeLoadsUnderHfsInMemoryNameToo) {
  auto peft = random_dora();
  TempDir dir;
  peft.save_adapter(dir.path("adapter"), {TaskKind::SequenceClassification, {"a", "b", "c"}, 16});
  std::map<std::string, std::string> metadata;
  auto tensors = models::read_tensors(dir.path("adapter/adapter_model.safetensors"), &metadata);
  models::TensorMap renamed;
  for (auto& [name, t] : tensors)
    renamed.emplace(has(name, "lora_magnitude_vector") ? name + ".weight" : name, t);
  models::write_tensors(dir.path("adapter/adapter_model.safetensors"), renamed, metadata);
  auto loaded = methods::PeftModel::load_adapter(tiny_model(1), dir.path("adapter"));
  peft.model->eval();
  loaded.model->eval();
  const auto batch = random_batch(2);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(loaded.model->forward(batch.inputs), peft.model->forward(batch.inputs)));
}

TEST(Dora, EmbeddingTargetsAreAClearError) {
  const auto message = error_of([] {
    attach(tiny_model(1), "lora", {{"use_dora", true}, {"target_modules", {"value", "word_embeddings"}}});
  });
  EXPECT_TRUE(has(message, "lora: use_dora is supported on linear layers only, not on bert.embeddings.word_embeddings"))
      << message;
}

// ---- parallel adapters --------------------------------------------------------------------------------

TEST(ParallelAdapter, AddsTheScaledBranchOfTheSublayerInput) {
  // With scaling s the change of the FFN branch output is s times that with scaling 1, at every site;
  // at the model's output that shows as: s = 0 gives the base exactly.
  auto zero = attach(tiny_model(1), "parallel", {{"bottleneck", 4}, {"scaling", 0.0}, {"init_weights", "bert"}});
  zero.model->eval();
  const auto batch = random_batch(8);
  torch::NoGradGuard no_grad;
  auto base = tiny_model(1);
  base->eval();
  EXPECT_TRUE(torch::equal(zero.model->forward(batch.inputs), base->forward(batch.inputs)));
  auto four = attach(tiny_model(1), "parallel", {{"bottleneck", 4}, {"init_weights", "bert"}});  // default 4
  four.model->eval();
  EXPECT_FALSE(AllClose(four.model->forward(batch.inputs), base->forward(batch.inputs), 1e-4));
}

TEST(ParallelAdapter, BadScalingIsAClearError) {
  const auto message = error_of([] { attach(tiny_model(1), "parallel", {{"scaling", "learnt"}}); });
  EXPECT_TRUE(has(message, "parallel: scaling must be a number or \"learned\", got \"learnt\"")) << message;
  EXPECT_TRUE(has(error_of([] { attach(tiny_model(1), "parallel", {{"output_adapter", false}}); }),
                  "mh_adapter and output_adapter are both false"));
}

}  // namespace
}  // namespace peft::testing
