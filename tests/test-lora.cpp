// LoRA: parity with HF PEFT on the bert_cls_lora fixture (logits, merge/unmerge, gradients of a CE loss)
// and the meaning of its options (target_modules forms, typos, rsLoRA scaling, bias modes).
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "test_support.h"
#include "train/param_groups.h"

namespace peft::testing {
namespace {

using models::TaskKind;

// ---- parity with HF PEFT ----------------------------------------------------------------------------

methods::PeftModel load_hf_lora(const torch::Device& device = torch::kCPU) {
  auto base = models::load_task_model(fixture("bert_cls/model"), {TaskKind::SequenceClassification, 0, 0});
  base->to(device);
  return methods::PeftModel::load_adapter(base, fixture("bert_cls_lora/adapter"));
}

// HF PEFT's parameter name (as in grad.<name>) -> ours: no "base_model.model." root, no adapter name,
// no modules_to_save wrapper.
std::string our_name(std::string hf) {
  hf = hf.substr(std::string("base_model.model.").size());
  hf = std::regex_replace(hf, std::regex("\\.modules_to_save"), "");
  return std::regex_replace(hf, std::regex("\\.default\\."), ".");
}

TEST(LoraParity, HfAdapterLoadsAsLora) {
  auto peft = load_hf_lora();
  EXPECT_STREQ(peft.method->method_name(), "lora");
  EXPECT_EQ(peft.method->own_tensors().size(), 8u);  // A and B on query, value of 2 layers
}

TEST(LoraParity, LogitsSingleAndPair) {
  auto peft = load_hf_lora();
  peft.model->eval();
  auto e = expected("bert_cls_lora");
  torch::NoGradGuard no_grad;
  auto single = peft.model->forward(inputs_of(e, "single"));
  EXPECT_TRUE(AllClose(single, at(e, "single.logits")));
  EXPECT_TRUE(AllClose(peft.model->forward(inputs_of(e, "pair")), at(e, "pair.logits")));
  // The adapter matters: the base model alone gives logits outside the tolerance (by ~3e-4 here: the
  // fixture's logits are small, so the gradient test below is the sharper check).
  EXPECT_FALSE(AllClose(single, at(expected("bert_cls"), "single.logits")));
}

TEST(LoraParity, MergeMatchesHfAndUnmergedAndUnmergeRestoresWeights) {
  auto peft = load_hf_lora();
  peft.model->eval();
  auto e = expected("bert_cls_lora");
  const auto in = inputs_of(e, "single");
  torch::NoGradGuard no_grad;
  const auto before = snapshot(*peft.model);
  const auto unmerged = peft.model->forward(in);

  peft.model->merge_sites();
  const std::string query = "bert.encoder.layer.0.attention.self.query.weight";
  const std::string key = "bert.encoder.layer.0.attention.self.key.weight";
  const auto params = peft.model->named_parameters();
  EXPECT_FALSE(torch::equal(params[query], at(before, query))) << "merge did not fold into " << query;
  EXPECT_TRUE(torch::equal(params[key], at(before, key))) << "merge touched an untargeted layer";
  const auto merged = peft.model->forward(in);
  EXPECT_TRUE(AllClose(merged, at(e, "merged.single.logits")));
  EXPECT_TRUE(AllClose(merged, unmerged, 1e-5));
  peft.model->merge_sites();  // merging twice must not add the delta twice
  EXPECT_TRUE(AllClose(peft.model->forward(in), unmerged, 1e-5));

  peft.model->unmerge_sites();
  for (const auto& item : peft.model->named_parameters())
    EXPECT_TRUE(AllClose(item.value(), at(before, item.key()), 1e-6)) << item.key();
  EXPECT_TRUE(AllClose(peft.model->forward(in), unmerged, 1e-6));
}

TEST(LoraParity, LogitsAndMergedLogitsMatchHfOnCuda) {
  PEFT_SKIP_WITHOUT_CUDA();
  auto peft = load_hf_lora(torch::kCUDA);
  peft.model->eval();
  auto e = expected("bert_cls_lora");
  const auto in = inputs_of(e, "single").to(torch::kCUDA);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(AllClose(peft.model->forward(in).cpu(), at(e, "single.logits")));
  peft.model->merge_sites();
  EXPECT_TRUE(AllClose(peft.model->forward(in).cpu(), at(e, "merged.single.logits")));
}

TEST(LoraParity, LossAndGradientsMatchHf) {
  auto peft = load_hf_lora();
  peft.model->train();  // the fixture's dropouts are all 0
  auto e = expected("bert_cls_lora");
  auto loss = peft.model->loss(peft.model->forward(inputs_of(e, "single")), at(e, "grad.labels"));
  EXPECT_TRUE(AllClose(loss.reshape({1}), at(e, "grad.loss")));
  loss.backward();

  std::map<std::string, torch::Tensor> ours;
  for (auto& [name, t] : peft.trainable_tensors()) ours.emplace(name, t);
  std::set<std::string> hf_names;
  for (const auto& [key, grad] : e) {
    if (key.rfind("grad.base_model.", 0) != 0) continue;
    const auto name = our_name(key.substr(5));
    hf_names.insert(name);
    auto it = ours.find(name);
    ASSERT_NE(it, ours.end()) << key << " (ours: " << name << ") does not train";
    ASSERT_TRUE(it->second.grad().defined()) << name;
    EXPECT_TRUE(AllClose(it->second.grad(), grad)) << name;
  }
  EXPECT_EQ(hf_names.size(), 10u);
  // Exactly what HF trains: LoRA A/B and the classifier (not the pooler, not the biases).
  EXPECT_EQ(trainable_names(peft), hf_names);
}

// ---- options on a tiny model ------------------------------------------------------------------------

std::vector<std::string> targeted_sites(const nlohmann::json& config) {
  auto peft = attach(tiny_model(1), "lora", config);
  std::vector<std::string> paths;
  for (auto& site : peft.model->linear_sites())
    if (site.linear->num_deltas() > 0) paths.push_back(site.path);
  return paths;
}

TEST(LoraOptions, DefaultTargetsQueryAndValue) {
  EXPECT_EQ(targeted_sites({{"r", 2}}),
            (std::vector<std::string>{"bert.encoder.layer.0.attention.self.query", "bert.encoder.layer.0.attention.self.value",
                                      "bert.encoder.layer.1.attention.self.query", "bert.encoder.layer.1.attention.self.value"}));
}

TEST(LoraOptions, TargetListMatchesNameSuffixesAtDots) {
  // "dense" matches every *.dense module (HF's rule), "output.dense" only the FFN output and attention output.
  auto dense = targeted_sites({{"target_modules", {"dense"}}});
  EXPECT_EQ(dense.size(), 2u * 3 + 1);  // attention.output, intermediate, output per layer + pooler
  auto out = targeted_sites({{"target_modules", {"key", "output.dense"}}});
  EXPECT_EQ(out, (std::vector<std::string>{
                     "bert.encoder.layer.0.attention.self.key", "bert.encoder.layer.0.attention.output.dense",
                     "bert.encoder.layer.0.output.dense", "bert.encoder.layer.1.attention.self.key",
                     "bert.encoder.layer.1.attention.output.dense", "bert.encoder.layer.1.output.dense"}));
}

TEST(LoraOptions, TargetRegexMustMatchTheWholePath) {
  EXPECT_EQ(targeted_sites({{"target_modules", ".*layer\\.1\\.attention\\.self\\.(query|key)"}}),
            (std::vector<std::string>{"bert.encoder.layer.1.attention.self.query",
                                      "bert.encoder.layer.1.attention.self.key"}));
  // A regex that only matches part of a path matches nothing, which is an error naming it.
  auto message = error_of([] { targeted_sites({{"target_modules", "query"}}); });
  EXPECT_TRUE(has(message, "'query'")) << message;
}

TEST(LoraOptions, AllLinearTargetsEveryLinearSite) {
  auto model = tiny_model(1);
  const auto all = model->linear_sites().size();
  EXPECT_EQ(all, 2u * 6 + 1);
  EXPECT_EQ(targeted_sites({{"target_modules", "all-linear"}}).size(), all);
}

// ---- LoRA on embedding tables (HF PEFT's lora.Embedding) ------------------------------------------------

TEST(LoraEmbedding, LooksUpRowsOfAThenMapsThemWithBAndMergesExactly) {
  auto peft = attach(tiny_model(2), "lora", {{"r", 4}, {"lora_alpha", 8}, {"target_modules", {"word_embeddings"}}});
  auto own = peft.method->own_tensors();
  ASSERT_EQ(own.size(), 2u);
  const std::string path = "bert.embeddings.word_embeddings";
  EXPECT_EQ(own[0].first, path + ".lora_embedding_A");  // HF PEFT's keys, no ".weight"
  EXPECT_EQ(own[1].first, path + ".lora_embedding_B");
  EXPECT_EQ(own[0].second.sizes(), (std::vector<int64_t>{4, tiny_config().vocab_size}));
  EXPECT_EQ(own[1].second.sizes(), (std::vector<int64_t>{tiny_config().hidden_size, 4}));
  EXPECT_EQ(own[0].second.abs().sum().item<double>(), 0.0) << "A starts at zero, so training starts at the base";

  torch::NoGradGuard no_grad;
  torch::manual_seed(4);
  for (auto& [name, t] : own) t.copy_(torch::randn_like(t));
  auto table = peft.model->embedding_sites().front().embedding;
  const auto ids = torch::tensor({{3, 1, 49}, {0, 3, 7}}, torch::kLong);
  const auto a = own[0].second, b = own[1].second;
  const auto expected = torch::embedding(table->weight, ids) + torch::matmul(a.t().index({ids}), b.t()) * 2.0;
  EXPECT_TRUE(AllClose(table->forward(ids), expected, 1e-5));

  peft.model->eval();
  const auto batch = random_batch(6);
  const auto unmerged = peft.model->forward(batch.inputs);
  const auto weight = table->weight.clone();
  peft.model->merge_sites();
  EXPECT_TRUE(AllClose(table->weight - weight, torch::matmul(b, a).t() * 2.0, 1e-5));
  EXPECT_TRUE(AllClose(table->forward(ids), expected, 1e-5)) << "a merged delta must not run again";
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), unmerged, 1e-5));
  peft.model->unmerge_sites();
  EXPECT_TRUE(AllClose(table->weight, weight, 1e-6));
}

TEST(LoraEmbedding, AllLinearLeavesEmbeddingsAloneAsInHf) {
  auto peft = attach(tiny_model(1), "lora", {{"target_modules", "all-linear"}});
  for (auto& site : peft.model->embedding_sites()) EXPECT_EQ(site.embedding->num_deltas(), 0u) << site.path;
  auto message = error_of([] { attach(tiny_model(1), "lora", {{"target_modules", {"word_embedding"}}}); });
  EXPECT_TRUE(has(message, "'word_embedding' matched no module")) << message;
}

TEST(LoraOptions, TargetMatchingNothingIsAnErrorNamingIt) {
  auto message = error_of([] { targeted_sites({{"target_modules", {"query", "qeury"}}}); });
  EXPECT_TRUE(has(message, "qeury")) << message;
}

TEST(LoraOptions, UnknownOptionIsAnErrorNamingIt) {
  auto message = error_of([] { methods::create_method("lora", {{"r", 4}, {"rank", 4}}); });
  EXPECT_TRUE(has(message, "rank")) << message;
  message = error_of([] { methods::create_method("lora", {{"r", "four"}}); });
  EXPECT_TRUE(has(message, "'r'")) << message;
  message = error_of([] { methods::create_method("lora", {{"bias", "some"}}); });
  EXPECT_TRUE(has(message, "some")) << message;
  message = error_of([] { methods::create_method("lora", {{"r", 0}}); });
  EXPECT_TRUE(has(message, "r must be positive")) << message;
}

// One LoRA site with random A and B (B = 0 at init would hide the scaling): an input, the site's output
// minus the frozen layer's, and A, B.
struct SiteDelta {
  torch::Tensor x, delta, a, b, merged_change;
};

SiteDelta site_delta(const nlohmann::json& config) {
  auto peft = attach(tiny_model(2), "lora", config);
  auto own = peft.method->own_tensors();
  auto site = peft.model->linear_sites().front();
  EXPECT_EQ(own.at(0).first, site.path + ".lora_A.weight");
  EXPECT_EQ(own.at(1).first, site.path + ".lora_B.weight");
  torch::NoGradGuard no_grad;
  torch::manual_seed(3);
  for (auto& [name, t] : own) t.copy_(torch::randn_like(t));
  SiteDelta d{torch::randn({3, site.linear->in_features}), {}, own[0].second.clone(), own[1].second.clone(), {}};
  d.delta = site.linear->forward(d.x) - torch::nn::functional::linear(d.x, site.linear->weight, site.linear->bias);
  const auto weight = site.linear->weight.clone();
  peft.model->merge_sites();
  d.merged_change = site.linear->weight - weight;
  return d;
}

TEST(LoraOptions, ScalingIsAlphaOverROrOverSqrtRWithRsLora) {
  for (bool rslora : {false, true}) {
    const auto d = site_delta({{"r", 4}, {"lora_alpha", 8}, {"use_rslora", rslora}});
    const double scaling = rslora ? 8.0 / std::sqrt(4.0) : 8.0 / 4.0;
    EXPECT_TRUE(AllClose(d.delta, torch::matmul(torch::matmul(d.x, d.a.t()), d.b.t()) * scaling, 1e-4))
        << "rslora=" << rslora;
    EXPECT_TRUE(AllClose(d.merged_change, torch::matmul(d.b, d.a) * scaling, 1e-4)) << "rslora=" << rslora;
  }
}

TEST(LoraOptions, RankAndAlphaPatternsSetRankAndScalingPerModule) {
  auto peft = attach(tiny_model(2), "lora",
                     {{"r", 4}, {"lora_alpha", 8},
                      {"rank_pattern", {{"value", 2}, {"layer\\.1\\.attention\\.self\\.query", 6}}},
                      {"alpha_pattern", {{"value", 1}}}});
  torch::NoGradGuard no_grad;
  torch::manual_seed(5);
  std::map<std::string, torch::Tensor> own;
  for (auto& [name, t] : peft.method->own_tensors()) own[name] = t.copy_(torch::randn_like(t));
  const std::map<std::string, std::pair<int64_t, double>> expected = {  // path -> r, lora_alpha / r
      {"bert.encoder.layer.0.attention.self.query", {4, 2.0}},
      {"bert.encoder.layer.0.attention.self.value", {2, 0.5}},
      {"bert.encoder.layer.1.attention.self.query", {6, 8.0 / 6}},
      {"bert.encoder.layer.1.attention.self.value", {2, 0.5}}};
  size_t checked = 0;
  for (auto& site : peft.model->linear_sites()) {
    auto it = expected.find(site.path);
    if (it == expected.end()) continue;
    const auto a = own.at(site.path + ".lora_A.weight"), b = own.at(site.path + ".lora_B.weight");
    EXPECT_EQ(a.size(0), it->second.first) << site.path;
    const auto x = torch::randn({3, site.linear->in_features});
    const auto delta = site.linear->forward(x) - torch::nn::functional::linear(x, site.linear->weight, site.linear->bias);
    EXPECT_TRUE(AllClose(delta, torch::matmul(torch::matmul(x, a.t()), b.t()) * it->second.second, 1e-4)) << site.path;
    ++checked;
  }
  EXPECT_EQ(checked, expected.size());
  EXPECT_EQ(peft.method->config_json().at("rank_pattern").at("value"), 2);

  auto message = error_of([] { methods::create_method("lora", {{"rank_pattern", {{"query", 2.5}}}}); });
  EXPECT_TRUE(has(message, "whole number")) << message;
  message = error_of([] { methods::create_method("lora", {{"alpha_pattern", {{"(query", 2}}}}); });
  EXPECT_TRUE(has(message, "not a valid regex")) << message;
}

TEST(LoraOptions, BiasModesChooseWhichBiasesTrain) {
  auto trains = [](const std::string& bias) {
    auto peft = attach(tiny_model(1), "lora", {{"bias", bias}});
    std::set<std::string> base;
    for (const auto& item : peft.model->named_parameters())
      if (item.value().requires_grad() && !peft.model->is_head_parameter(item.key())) base.insert(item.key());
    return base;
  };
  auto model = tiny_model(1);
  std::set<std::string> all_biases, lora_biases;
  for (const auto& item : model->named_parameters()) {
    const auto& name = item.key();
    if (model->is_head_parameter(name) || !has(name, ".bias")) continue;
    all_biases.insert(name);
    if (has(name, "self.query.") || has(name, "self.value.")) lora_biases.insert(name);
  }
  ASSERT_EQ(lora_biases.size(), 4u);
  EXPECT_TRUE(trains("none").empty());
  EXPECT_EQ(trains("all"), all_biases);
  EXPECT_EQ(trains("lora_only"), lora_biases);
}

TEST(LoraOptions, ModulesToSaveTrainsThoseBaseModules) {
  auto peft = attach(tiny_model(1), "lora", {{"modules_to_save", {"pooler.dense"}}});
  const auto names = trainable_names(peft);
  EXPECT_EQ(names.count("bert.pooler.dense.weight"), 1u);
  EXPECT_EQ(names.count("bert.pooler.dense.bias"), 1u);
  EXPECT_EQ(names.count("bert.encoder.layer.0.output.dense.weight"), 0u);
}

TEST(LoraOptions, DropoutFollowsTheModelsTrainEvalMode) {
  auto peft = attach(tiny_model(1), "lora", {{"lora_dropout", 0.5}});
  torch::NoGradGuard no_grad;
  for (auto& [name, t] : peft.method->own_tensors()) t.copy_(torch::randn_like(t));
  auto site = peft.model->linear_sites().front().linear;  // a LoRA site: its dropout is the only random part
  const auto x = torch::randn({4, site->in_features});
  peft.model->eval();
  EXPECT_TRUE(torch::equal(site->forward(x), site->forward(x))) << "LoRA dropout is active in eval mode";
  EXPECT_TRUE(torch::equal(peft.model->forward(random_batch(5).inputs), peft.model->forward(random_batch(5).inputs)));
  peft.model->train();
  EXPECT_FALSE(torch::equal(site->forward(x), site->forward(x))) << "LoRA dropout is off in train mode";
}

// ---- LoRA+ ------------------------------------------------------------------------------------------

TEST(LoraPlus, BFactorsAndOneDimTensorsLearnRatioTimesFasterAndDecayStaysOffBiases) {
  auto peft = attach(tiny_model(1), "lora", {{"target_modules", {"query", "word_embeddings"}}});
  const auto trainable = peft.optimizer_tensors();
  std::map<const void*, std::string> name_of;
  for (const auto& t : trainable) name_of[t.tensor.unsafeGetTensorImpl()] = t.name;
  size_t grouped = 0;
  for (const auto& g : train::param_groups(trainable, 0.01, 16)) {
    for (const auto& t : g.tensors) {
      const auto& name = name_of.at(t.unsafeGetTensorImpl());
      const bool fast = has(name, ".lora_B.") || t.dim() == 1;
      EXPECT_EQ(g.lr_scale, fast ? 16.0 : 1.0) << name;
      EXPECT_EQ(g.weight_decay, has(name, "bias") || has(name, "LayerNorm") ? 0.0 : 0.01) << name;
      ++grouped;
    }
  }
  EXPECT_EQ(grouped, trainable.size());
  for (const auto& g : train::param_groups(trainable, 0.01, 0)) EXPECT_EQ(g.lr_scale, 1.0) << "ratio 0 is off";
  EXPECT_THROW(train::param_groups(trainable, 0.01, -1), Error);
}

}  // namespace
}  // namespace peft::testing
