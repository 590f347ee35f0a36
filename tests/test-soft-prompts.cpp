// Soft prompts: HF PEFT parity on the prompt-tuning, prefix-tuning and P-tuning fixtures, mixed-task
// batches equal to their rows run task by task, the prefix MLP's fold, ensembles' averaging, template
// places with padding on either side, what trains, save -> load, and parameter counts.
#include <gtest/gtest.h>

#include "methods/prefix_tuning.h"
#include "cli_support.h"

namespace peft::testing {
namespace {

using models::TaskKind;

methods::PeftModel load_hf(const std::string& name) {
  auto base = models::load_task_model(fixture("bert_cls/model"), {TaskKind::SequenceClassification, 0, 0});
  return methods::PeftModel::load_adapter(base, fixture(name + "/adapter"));
}

class SoftPromptParity : public ::testing::TestWithParam<std::string> {};

TEST_P(SoftPromptParity, LogitsMatchHfPeftSingleAndPair) {
  auto peft = load_hf(GetParam());
  peft.model->eval();
  const auto e = expected(GetParam());
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(AllClose(peft.model->forward(inputs_of(e, "single")), at(e, "single.logits")));
  EXPECT_TRUE(AllClose(peft.model->forward(inputs_of(e, "pair")), at(e, "pair.logits")));
  EXPECT_FALSE(AllClose(peft.model->forward(inputs_of(e, "single")), at(expected("bert_cls"), "single.logits")));
}

// The same through the command a user runs: `peft predict --adapter` on the case's texts.
TEST_P(SoftPromptParity, PeftPredictWithTheHfAdapterGivesHfLogits) {
  TempDir dir;
  const auto cases = nlohmann::json::parse(io::read_file(fixture(GetParam() + "/case.json")));
  std::string tsv = "text\n";
  for (const auto& t : cases["single_texts"]) tsv += t.get<std::string>() + "\n";
  const auto input = dir.write("in.tsv", tsv);
  const auto run = peft_cli(dir, "predict --model " + fixture("bert_cls/model") + " --adapter " +
                                     fixture(GetParam() + "/adapter") + " --input " + input + " --out " +
                                     dir.path("pred.jsonl") + " --precision f32");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto logits = at(expected(GetParam()), "single.logits");
  std::istringstream lines(io::read_file(dir.path("pred.jsonl")));
  int64_t row = 0;
  for (std::string line; std::getline(lines, line); ++row) {
    const auto got = nlohmann::json::parse(line)["logits"].get<std::vector<float>>();
    EXPECT_TRUE(AllClose(torch::tensor(got), logits[row])) << "text " << row;
  }
  EXPECT_EQ(row, logits.size(0));
}

// An HF adapter records no input length: a text as long as the model's table still fits with the prompt.
TEST_P(SoftPromptParity, PeftPredictLeavesRoomForTheVirtualTokens) {
  TempDir dir;
  std::string text;
  for (int i = 0; i < 80; ++i) text += "unix is simple ";
  const auto input = dir.write("in.tsv", "text\n" + text + "\n");
  const auto run = peft_cli(dir, "predict --model " + fixture("bert_cls/model") + " --adapter " +
                                     fixture(GetParam() + "/adapter") + " --input " + input + " --out " +
                                     dir.path("pred.jsonl"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto line = nlohmann::json::parse(io::read_file(dir.path("pred.jsonl")));
  const auto config = nlohmann::json::parse(io::read_file(fixture(GetParam() + "/adapter/adapter_config.json")));
  EXPECT_EQ(line["input_ids"].size() + config["num_virtual_tokens"].get<size_t>(), 64u) << "the model's positions";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SoftPromptParity,
                         ::testing::Values("bert_cls_prompt", "bert_cls_prefix", "bert_cls_ptuning"));

methods::PeftModel with_adapters(const std::vector<std::pair<std::string, nlohmann::json>>& methods) {
  methods::PeftModel peft(tiny_model(3), methods::create_method(methods[0].first, methods[0].second), "a0");
  for (size_t i = 1; i < methods.size(); ++i)
    peft.add_adapter("a" + std::to_string(i), methods::create_method(methods[i].first, methods[i].second));
  return peft;
}

// Row b of a mixed batch gives what it gives in a batch of its adapter alone.
void expect_mixed_equals_alone(methods::PeftModel& peft, const std::vector<std::string>& row_adapters,
                               const Batch& batch) {
  peft.model->eval();
  torch::NoGradGuard no_grad;
  const auto mixed = peft.model->forward(batch.inputs, peft.context_per_row(row_adapters));
  for (size_t b = 0; b < row_adapters.size(); ++b) {
    const auto& name = row_adapters[b];
    const auto none = std::vector<std::string>(row_adapters.size(), "");
    const auto all = peft.model->forward(batch.inputs, name.empty() ? peft.context_per_row(none)
                                                                    : peft.context_for(name));
    EXPECT_TRUE(AllClose(mixed[b], all[b], 1e-5)) << "row " << b << " (" << name << ")";
  }
}

TEST(SoftPrompts, MixedBatchOfPromptsOfDifferentLengthsEqualsEachAlone) {
  auto peft = with_adapters({{"prompt_tuning", {{"num_virtual_tokens", 3}}},
                             {"prompt_tuning", {{"num_virtual_tokens", 5}}},
                             {"p_tuning", {{"num_virtual_tokens", 4}, {"template", "start,between,end"}}}});
  expect_mixed_equals_alone(peft, {"a0", "a1", "", "a2", "a1", "a0"}, random_batch(5, 6));
}

TEST(SoftPrompts, MixedBatchOfPrefixesAndPromptsEqualsEachAlone) {
  auto peft = with_adapters({{"prefix_tuning", {{"num_virtual_tokens", 2}}},
                             {"p_tuning_v2", {{"num_virtual_tokens", 4}}},
                             {"prompt_tuning", {{"num_virtual_tokens", 3}}}});
  expect_mixed_equals_alone(peft, {"a1", "a0", "a2", "", "a0"}, random_batch(6, 5));
}

TEST(SoftPrompts, PrefixProjectionFoldsToIdenticalOutputs) {
  auto method = std::make_shared<methods::PrefixTuning>(nlohmann::json{{"num_virtual_tokens", 3},
                                                                       {"prefix_projection", true},
                                                                       {"encoder_hidden_size", 8}},
                                                        false);
  methods::PeftModel peft(tiny_model(4), method);
  peft.model->eval();
  const auto batch = random_batch(7);
  torch::NoGradGuard no_grad;
  const auto before = peft.model->forward(batch.inputs);
  const auto trainable_before = method->own_tensors().size();
  method->fold();
  EXPECT_EQ(method->own_tensors().size(), 1u);
  EXPECT_GT(trainable_before, 1u);
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), before, 1e-6));
}

TEST(SoftPrompts, SaveLoadReproducesLogitsForEveryPromptMethod) {
  for (const auto& [name, config] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"prompt_tuning", {{"num_virtual_tokens", 3}}},
           {"prompt_ensemble", {{"num_virtual_tokens", 2}, {"num_prompts", 3}}},
           {"p_tuning", {{"num_virtual_tokens", 3}, {"encoder_reparameterization_type", "LSTM"}}},
           {"prefix_tuning", {{"num_virtual_tokens", 3}, {"prefix_projection", true}}},
           {"p_tuning_v2", {{"num_virtual_tokens", 3}}}}) {
    test::TempDir dir;
    auto peft = attach(tiny_model(8), name, config);
    peft.model->eval();
    const auto batch = random_batch(9);
    torch::NoGradGuard no_grad;
    const auto logits = peft.model->forward(batch.inputs);
    peft.save_adapter(dir.path("a"), methods::TaskInfo{});
    auto loaded = methods::PeftModel::load_adapter(tiny_model(8), dir.path("a"));
    loaded.model->eval();
    EXPECT_TRUE(AllClose(loaded.model->forward(batch.inputs), logits, 1e-5)) << name;
    const auto file = models::read_tensors(dir.path("a/adapter_model.safetensors"));
    EXPECT_TRUE(file.count("prompt_embeddings")) << name;
    EXPECT_TRUE(file.count("base_model.classifier.weight")) << name;
  }
}

TEST(SoftPrompts, EnsembleAveragesItsPromptsProbabilities) {
  auto peft = attach(tiny_model(10), "prompt_ensemble", {{"num_virtual_tokens", 2}, {"num_prompts", 3}});
  peft.model->eval();
  const auto batch = random_batch(11);
  torch::NoGradGuard no_grad;
  const auto B = batch.inputs.input_ids.size(0);
  auto mean = torch::zeros({B, kTinyLabels});
  for (int64_t k = 0; k < 3; ++k) {
    auto ctx = peft.context_for("default");
    ctx.prompt_rows = torch::full({B}, k, torch::kLong);
    mean += torch::softmax(peft.model->forward(batch.inputs, ctx), -1) / 3;
  }
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs).exp(), mean, 1e-6));
  // Training forwards give every copy's logits, and the loss repeats the labels to match.
  peft.model->train();
  const auto copies = peft.model->forward(batch.inputs);
  EXPECT_EQ(copies.size(0), 3 * B);
  EXPECT_TRUE(peft.model->loss(copies, batch.labels).isfinite().item<bool>());
}

TEST(SoftPrompts, OnlyPromptTensorsAndHeadTrainAndBaseStaysBitIdentical) {
  auto peft = attach(tiny_model(12), "prefix_tuning", {{"num_virtual_tokens", 3}});
  const auto before = snapshot(*peft.model);
  torch::optim::SGD opt(peft.model->parameters(), 0.1);
  std::vector<torch::Tensor> own;
  for (auto& [n, t] : peft.method->own_tensors()) own.push_back(t);
  torch::optim::SGD opt_own(own, 0.1);
  peft.model->train();
  const auto batch = random_batch(13);
  auto loss = peft.model->loss(peft.model->forward(batch.inputs), batch.labels);
  loss.backward();
  EXPECT_TRUE(own[0].grad().defined());
  for (auto& item : peft.model->named_parameters()) {
    const bool head = peft.model->is_head_parameter(item.key());
    EXPECT_EQ(item.value().grad().defined(), head) << item.key();
  }
  opt.step();
  opt_own.step();
  for (auto& item : peft.model->named_parameters())
    if (!peft.model->is_head_parameter(item.key()))
      EXPECT_TRUE(torch::equal(item.value(), at(before, item.key()))) << item.key();
}

TEST(SoftPrompts, ParameterCountsMatchTheirFormulas) {
  const auto c = tiny_config();
  const int64_t n = 4, H = c.hidden_size, L = c.num_hidden_layers, h = 8;
  auto added = [&](const std::string& method, const nlohmann::json& config) {
    return attach(tiny_model(1), method, config).count_parameters().added;
  };
  EXPECT_EQ(added("prompt_tuning", {{"num_virtual_tokens", n}}), n * H);
  EXPECT_EQ(added("prompt_ensemble", {{"num_virtual_tokens", n}, {"num_prompts", 3}}), 3 * n * H);
  EXPECT_EQ(added("prefix_tuning", {{"num_virtual_tokens", n}}), n * 2 * L * H);
  EXPECT_EQ(added("prefix_tuning",
                  {{"num_virtual_tokens", n}, {"prefix_projection", true}, {"encoder_hidden_size", h}}),
            n * H + H * h + h + h * 2 * L * H + 2 * L * H);
  EXPECT_EQ(added("p_tuning", {{"num_virtual_tokens", n}, {"encoder_hidden_size", h}}),
            n * H + (H * h + h) + (h * h + h) + (h * H + H));
}

TEST(SoftPrompts, PlacesWithLeftAndRightPaddingPutPromptsBesideTheRightTokens) {
  // One row, right-padded and left-padded: the output at its tokens is the same (HF numbers positions
  // by slot, so the padding's place changes positions; compare a row with its padding on the right
  // against the same row unpadded instead).
  auto peft = attach(tiny_model(14), "p_tuning", {{"num_virtual_tokens", 4}, {"template", "start,between,end"}});
  peft.model->eval();
  torch::NoGradGuard no_grad;
  auto ids = torch::tensor({{2, 7, 8, 3, 9, 9, 3}}, torch::kLong);
  models::ModelInputs alone{ids, torch::tensor({{0, 0, 0, 0, 1, 1, 1}}, torch::kLong), torch::ones_like(ids)};
  auto padded_ids = torch::cat({ids, torch::zeros({1, 3}, torch::kLong)}, 1);
  models::ModelInputs padded{padded_ids, torch::cat({alone.token_type_ids, torch::zeros({1, 3}, torch::kLong)}, 1),
                             torch::cat({alone.attention_mask, torch::zeros({1, 3}, torch::kLong)}, 1)};
  EXPECT_TRUE(AllClose(peft.model->forward(padded), peft.model->forward(alone), 1e-5));
  // The inserted vectors: before [CLS], before the first separator (slot 3), before the last (slot 6);
  // parts are as wide as the longest (2 of 4 tokens), so two unused (masked) slots end the row.
  const auto embeds = torch::zeros({1, 7, tiny_config().hidden_size});
  auto s = nn::InputSequence::of(embeds, ids, alone.attention_mask, alone.token_type_ids);
  auto& site = *peft.model->sites().input_sequence.site;
  nn::ForwardContext ctx;
  site.apply(s, ctx);
  const auto source = s.source[0];
  EXPECT_TRUE(torch::equal(source, torch::tensor({-1, 0, 1, 2, -1, 3, 4, 5, -1, -1, 6, -2, -2}, torch::kLong)))
      << source;
  EXPECT_EQ(s.attention_mask[0].sum().item<int64_t>(), 11);
  EXPECT_TRUE(torch::equal(s.token_type_ids[0], torch::tensor({0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0}, torch::kLong)));
}

TEST(SoftPrompts, TokenClassificationDropsVirtualTokensFromItsOutput) {
  auto peft = attach(tiny_model(15, TaskKind::TokenClassification), "prompt_tuning", {{"num_virtual_tokens", 3}});
  peft.model->eval();
  const auto batch = random_batch(16);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(peft.model->forward(batch.inputs).sizes(),
            (std::vector<int64_t>{batch.inputs.input_ids.size(0), batch.inputs.input_ids.size(1), kTinyLabels}));
}

// `peft eval` of an ensemble: the ensemble's scores, and each prompt's alone under "prompts".
TEST(SoftPrompts, EvalOfAnEnsembleReportsEachPromptAndTheEnsemble) {
  TempDir dir;
  const auto train = dir.path("train.tsv"), dev = dir.path("dev.tsv");
  write_task(train, 16, 0);
  write_task(dev, 8, 1);
  const auto run = peft_cli(dir, "train --model " + fixture("bert_cls/model") +
                                     " --method prompt_ensemble --set num_prompts=3 --set num_virtual_tokens=2 --train " +
                                     train + " --dev " + dev + " --max-steps 3 --batch-size 4 --lr 0.1 --quiet --out " +
                                     dir.path("a"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto eval = peft_cli(dir, "eval --model " + fixture("bert_cls/model") + " --adapter " + dir.path("a") +
                                      " --data " + dev);
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto scores = nlohmann::json::parse(eval.out);
  EXPECT_NEAR(scores["accuracy"].get<double>(), nlohmann::json::parse(run.out)["dev"]["accuracy"].get<double>(), 1e-9);
  ASSERT_EQ(scores["prompts"].size(), 3u);
  for (const auto& prompt : scores["prompts"]) EXPECT_TRUE(prompt.contains("accuracy")) << prompt;
}

TEST(SoftPrompts, BadOptionsAreOneLineErrors) {
  EXPECT_TRUE(has(error_of([] { methods::create_method("p_tuning", {{"template", "middle"}}); }), "middle"));
  EXPECT_TRUE(has(error_of([] { methods::create_method("p_tuning_v2", {{"prefix_projection", true}}); }),
                  "no reparameterisation"));
  EXPECT_TRUE(has(error_of([] { methods::create_method("prompt_tuning", {{"num_virtual_tokens", 0}}); }),
                  "positive"));
  EXPECT_TRUE(has(error_of([] { attach(tiny_model(1), "prompt_tuning", {{"token_dim", 99}}); }), "token_dim"));
}

}  // namespace
}  // namespace peft::testing
