// The adapter family beyond LoRA and Houlsby: (IA)^3 against HF PEFT's golden fixture (unmerged and
// merged), DoRA's magnitude/direction split and its merge, parallel adapters' scaled branch, Compacter's
// PHM layers, AdaLoRA's budget, rank masks and HF layout, and MAM's preset.
#include <gtest/gtest.h>

#include <algorithm>

#include "methods/adalora.h"
#include "methods/adamix.h"
#include "methods/compacter.h"
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

// Moves every tensor of the method away from its init (seeded), so each of them matters.
void perturb_own(methods::Method& method, uint64_t seed, double std) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : method.own_tensors()) t.add_(torch::randn_like(t) * std);
}

// ---- DoRA -------------------------------------------------------------------------------------------

// A DoRA model whose factors and magnitudes are random, so the scale m / ||W + s·B·A|| is far from one.
methods::PeftModel random_dora(const nlohmann::json& extra = nlohmann::json::object()) {
  nlohmann::json config = {
      {"r", 4}, {"lora_alpha", 8}, {"use_dora", true}, {"target_modules", {"query", "intermediate.dense"}}};
  config.update(extra);
  auto peft = attach(tiny_model(1), "lora", config);
  perturb_own(*peft.method, 5, 0.3);
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
  const std::string layers[] = {"bert.encoder.layer.0.", "bert.encoder.layer.1."};
  for (const auto& layer : layers)
    for (const auto* target : {"attention.self.query", "intermediate.dense"}) {
      const auto p = layer + target;
      params[p + ".weight"].copy_(dense_dora_weight(params[p + ".weight"], at(own, p + ".lora_A.weight"),
                                                    at(own, p + ".lora_B.weight"),
                                                    at(own, p + ".lora_magnitude_vector"), 8.0 / 4));
    }
  plain->eval();
  auto base = tiny_model(1);
  base->eval();
  EXPECT_FALSE(AllClose(logits, base->forward(batch.inputs), 1e-3));  // DoRA changed the function...
  EXPECT_TRUE(AllClose(logits, plain->forward(batch.inputs), 1e-5));  // ...into the dense weights' one
  // Kept norms: a second forward (nothing changed) and one after the factors changed both follow the weights.
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs), logits));
  at(own, "bert.encoder.layer.0.attention.self.query.lora_B.weight").mul_(2);
  EXPECT_FALSE(AllClose(peft.model->forward(batch.inputs), logits, 1e-4));
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

// ---- Compacter ----------------------------------------------------------------------------------------

TEST(Compacter, PhmWeightIsTheSumOfKroneckerProducts) {
  methods::CompacterConfig config;
  config.phm_dim = 2;
  config.phm_rank = 2;
  torch::manual_seed(3);
  methods::PhmLinear layer(4, 6, config, torch::randn({2, 2, 2}));
  auto expected = torch::zeros({4, 6});
  for (int64_t i = 0; i < 2; ++i) expected += torch::kron(layer->rule[i], torch::matmul(layer->s[i], layer->t[i]));
  EXPECT_TRUE(AllClose(layer->weight(), expected, 1e-6));
  const auto x = torch::randn({3, 4});
  EXPECT_TRUE(AllClose(layer->forward(x), torch::matmul(x, expected) + layer->bias, 1e-6));
}

TEST(Compacter, SharedRulesAreOneTensorForEveryAdapter) {
  auto peft = attach(tiny_model(1), "compacter", {{"bottleneck", 4}, {"phm_dim", 2}});
  peft.model->train();
  const auto batch = random_batch(2);
  peft.model->loss(peft.model->forward(batch.inputs), batch.labels).backward();
  models::TensorMap own;
  for (auto& [name, t] : peft.method->own_tensors()) own.emplace(name, t);
  // Every adapter's down projection reads the shared rule, so its gradient sums over all four of them.
  EXPECT_TRUE(at(own, "compacter.phm_rule_down").grad().defined());
  EXPECT_EQ(own.count("bert.encoder.layer.0.output.adapter.down.phm_rule"), 0u);
}

// ---- AdaLoRA -----------------------------------------------------------------------------------------

TEST(AdaLora, BudgetFallsCubicallyBetweenTinitAndTheFinalPhase) {
  methods::AdaLoraConfig c;
  c.tinit = 10;
  c.tfinal = 20;
  c.deltaT = 5;
  const int64_t init = 48, target = 16, total = 110;  // the budget falls over steps 11..90
  for (int64_t step : {1, 10}) {
    const auto b = methods::adalora_budget(step, init, target, c, total);
    EXPECT_EQ(b.budget, init);
    EXPECT_FALSE(b.mask);
  }
  for (int64_t step : {11, 35, 50, 90}) {
    const double left = 1 - double(step - 10) / 80;
    const auto b = methods::adalora_budget(step, init, target, c, total);
    EXPECT_EQ(b.budget, int64_t(32 * left * left * left + 16)) << step;
    EXPECT_EQ(b.mask, step % 5 == 0) << step;
  }
  EXPECT_EQ(methods::adalora_budget(50, init, target, c, total).budget, 20);  // 32 / 8 + 16
  const auto last = methods::adalora_budget(91, init, target, c, total);
  EXPECT_EQ(last.budget, target);
  EXPECT_TRUE(last.mask);
}

// A tiny AdaLoRA model with random factors and singular values, after one backward: every rank has an
// importance, and they differ.
methods::PeftModel adalora_with_gradients(std::shared_ptr<methods::AdaLora>* method) {
  auto m = std::make_shared<methods::AdaLora>(nlohmann::json{
      {"init_r", 4}, {"target_r", 2}, {"total_step", 10}, {"target_modules", {"query", "value"}}});
  methods::PeftModel peft(tiny_model(1), m);
  perturb_own(*m, 8, 0.5);
  peft.model->train();
  const auto batch = random_batch(5, 16);
  peft.training_loss(peft.model->forward(batch.inputs), batch.labels).backward();
  *method = m;
  return peft;
}

TEST(AdaLora, MaskingKeepsExactlyTheBudgetAndZeroesThePrunedSingularValues) {
  std::shared_ptr<methods::AdaLora> method;
  auto peft = adalora_with_gradients(&method);
  method->begin_step(1, 10);
  method->after_step(5);  // budget int(8 · (1 − 5/10)³ + 8) = 9 of 16
  EXPECT_EQ(method->kept_ranks(), 9);
  int64_t zero_rows = 0;
  for (auto& [name, t] : method->own_tensors())
    if (has(name, "lora_E")) zero_rows += t.eq(0).sum().item<int64_t>();
  EXPECT_EQ(zero_rows, 16 - 9);
  method->after_step(10);  // the final allocation: target_r per module
  EXPECT_EQ(method->kept_ranks(), 8);
}

TEST(AdaLora, SavesTheKeptRanksInHfsLayoutAndReloadsTheSameFunction) {
  std::shared_ptr<methods::AdaLora> method;
  auto peft = adalora_with_gradients(&method);
  method->begin_step(1, 10);
  method->after_step(5);   // importance from these gradients
  method->after_step(10);  // the final allocation from it
  peft.model->eval();
  const auto batch = random_batch(6);
  torch::NoGradGuard no_grad;
  const auto logits = peft.model->forward(batch.inputs);
  TempDir dir;
  peft.save_adapter(dir.path("adapter"), {TaskKind::SequenceClassification, {"a", "b", "c"}, 16});
  const auto config = methods::read_adapter_config(dir.path("adapter"));
  ASSERT_TRUE(config["rank_pattern"].is_object());
  const auto tensors = models::read_tensors(dir.path("adapter/adapter_model.safetensors"));
  int64_t kept = 0;
  for (const auto& [key, ranks] : config["rank_pattern"].items()) {
    const auto path = key.substr(0, key.size() - std::string(".lora_E").size());
    const auto k = int64_t(std::count(ranks.begin(), ranks.end(), true));
    EXPECT_EQ(at(tensors, "base_model.model." + path + ".lora_A").size(0), k) << key;
    EXPECT_EQ(at(tensors, "base_model.model." + path + ".lora_B").size(1), k) << key;
    kept += k;
  }
  EXPECT_EQ(kept, 8);
  auto loaded = methods::PeftModel::load_adapter(tiny_model(1), dir.path("adapter"));
  loaded.model->eval();
  EXPECT_TRUE(AllClose(loaded.model->forward(batch.inputs), logits, 1e-6));
  loaded.model->merge_sites();
  EXPECT_TRUE(AllClose(loaded.model->forward(batch.inputs), logits, 1e-5));
}

TEST(AdaLora, OrthogonalityPenaltyIsTheMeanFrobeniusDistanceFromIdentity) {
  std::shared_ptr<methods::AdaLora> method;
  auto peft = adalora_with_gradients(&method);
  models::TensorMap own;
  for (auto& [name, t] : method->own_tensors()) own.emplace(name, t);
  double expected = 0;
  for (const auto* path : {"query", "value"})
    for (int64_t layer = 0; layer < 2; ++layer) {
      const auto p = "bert.encoder.layer." + std::to_string(layer) + ".attention.self." + path;
      const auto A = at(own, p + ".lora_A"), B = at(own, p + ".lora_B");
      expected += (torch::matmul(A, A.t()) - torch::eye(4)).norm().item<double>() +
                  (torch::matmul(B.t(), B) - torch::eye(4)).norm().item<double>();
    }
  EXPECT_NEAR(method->extra_loss().item<double>(), 0.5 * expected / 8, 1e-5);
}

// ---- AdaMix ------------------------------------------------------------------------------------------

methods::PeftModel random_adamix() {
  auto peft = attach(tiny_model(1), "adamix", {{"bottleneck", 4}, {"num_experts", 3}});
  perturb_own(*peft.method, 4, 0.3);
  return peft;
}

TEST(AdaMix, InferenceIsThePfeifferAdapterOfTheExpertsAveragedWeights) {
  auto peft = random_adamix();
  peft.model->eval();
  const auto batch = random_batch(3);
  torch::NoGradGuard no_grad;
  const auto logits = peft.model->forward(batch.inputs);
  models::TensorMap averaged;
  for (auto& [name, t] : peft.method->own_tensors()) {
    auto plain = name;
    plain.replace(plain.find(".experts"), std::string(".experts").size(), "");
    averaged.emplace(plain, t.mean(0));
  }
  auto saved = peft.method->saved_tensors();  // what the adapter file holds: exactly those means
  for (auto& [name, t] : saved) EXPECT_TRUE(torch::equal(t, at(averaged, name))) << name;
  auto pfeiffer = attach(tiny_model(1), "pfeiffer", {{"bottleneck", 4}, {"non_linearity", "relu"}});
  pfeiffer.method->load_saved(averaged, "averaged");
  pfeiffer.model->eval();
  EXPECT_TRUE(AllClose(pfeiffer.model->forward(batch.inputs), logits, 1e-6));
}

TEST(AdaMix, ConsistencyLossIsZeroWhenBothPassesPickTheSameExperts) {
  auto peft = random_adamix();
  peft.model->train();
  const auto batch = random_batch(5);
  auto pass = [&](uint64_t seed) {
    torch::manual_seed(seed);  // routing and dropout
    return peft.model->forward(batch.inputs);
  };
  const auto first = pass(1);
  EXPECT_EQ(peft.method->consistency_loss(first, pass(1)).item<double>(), 0.0);
  EXPECT_GT(peft.method->consistency_loss(first, pass(2)).item<double>(), 1e-4);
  // Its definition: KL both ways.
  const auto a = torch::randn({4, 3}), b = torch::randn({4, 3});
  const auto p = torch::softmax(a, -1), q = torch::softmax(b, -1);
  const auto kl = [](const torch::Tensor& x, const torch::Tensor& y) { return (x * (x / y).log()).sum(-1).mean(); };
  EXPECT_NEAR(methods::symmetric_kl(a, b).item<double>(), (kl(p, q) + kl(q, p)).item<double>(), 1e-6);
}

TEST(AdaMix, AStepRunsTwoPassesUnlessTheConsistencyWeightIsZero) {
  const auto batch = random_batch(6);
  for (double weight : {1.0, 0.0}) {
    auto peft = attach(tiny_model(1), "adamix", {{"bottleneck", 4}, {"consistency_weight", weight}});
    peft.model->train();
    int passes = 0;
    peft.step_loss([&] { ++passes; return peft.model->forward(batch.inputs); }, batch.labels).backward();
    EXPECT_EQ(passes, weight > 0 ? 2 : 1);
  }
}

// ---- MAM --------------------------------------------------------------------------------------------

TEST(Mam, IsPrefixTuningPlusAScaledParallelAdapterWithAdapterHubsDefaults) {
  auto peft = attach(tiny_model(1), "mam", {{"prefix_tuning", {{"num_virtual_tokens", 4}}}});
  EXPECT_STREQ(peft.method->method_name(), "prefix_tuning+parallel");
  EXPECT_EQ(peft.method->positions_taken(), 4);
  const auto config = peft.method->config_json();
  EXPECT_EQ(config["prefix_tuning"]["prefix_projection"], true);
  EXPECT_EQ(config["prefix_tuning"]["encoder_hidden_size"], 800);
  EXPECT_EQ(config["parallel"]["scaling"], 4.0);
  const auto message = error_of([] { attach(tiny_model(1), "mam", {{"scaling", 2}}); });
  EXPECT_TRUE(has(message, "mam: options go under prefix_tuning or parallel")) << message;
}

}  // namespace
}  // namespace peft::testing
