// Named adapters on one base: a mixed batch equals its rows run one adapter at a time (LoRA through one
// batched product, bottleneck adapters through the per-row fallback), each adapter keeps its own head,
// merges and name clashes are refused with one-line errors, and the training lifecycle reaches a method.
#include <gtest/gtest.h>

#include "methods/registry.h"
#include "test_methods_dummy.h"
#include "test_support.h"
#include "train/evaluate.h"
#include "train/trainer.h"
#include "support/scratch.h"

namespace peft::testing {
namespace {

// Moves every own tensor and the head away from their init, so each adapter computes something else.
void perturb(methods::PeftModel& peft, uint64_t seed) {
  torch::manual_seed(seed);
  torch::NoGradGuard no_grad;
  for (auto& [_, t] : peft.trainable_tensors()) t.add_(torch::randn_like(t) * 0.3);
}

// Rows of `mixed` against the same rows run with their adapter alone ("" = the base alone).
void expect_rows_match(methods::PeftModel& peft, const Batch& batch, const std::vector<std::string>& rows) {
  torch::NoGradGuard no_grad;
  const auto mixed = peft.model->forward(batch.inputs, peft.context_per_row(rows));
  for (size_t b = 0; b < rows.size(); ++b) {
    auto ctx = peft.model->default_context();
    ctx.adapters = rows[b].empty() ? nn::AdapterSelection::only({}) : nn::AdapterSelection::only({rows[b]});
    const auto alone = peft.model->forward(batch.inputs, ctx);
    EXPECT_TRUE(AllClose(mixed[b], alone[b], 1e-5)) << "row " << b << " (" << rows[b] << ")";
  }
}

TEST(MixedBatch, ThreeLoraAdaptersInOneBatchEqualThreeSingleAdapterBatches) {
  methods::PeftModel peft(tiny_model(1), methods::create_method("lora", {{"r", 2}}), "a");
  peft.add_adapter("b", methods::create_method("lora", {{"r", 4}, {"target_modules", {"query", "dense"}}}));
  peft.add_adapter("c", methods::create_method("lora", {{"r", 3}, {"lora_alpha", 16}, {"use_rslora", true}}));
  for (const auto& [name, seed] : std::vector<std::pair<std::string, int>>{{"a", 1}, {"b", 2}, {"c", 3}}) {
    peft.set_adapter(name);
    perturb(peft, seed);
  }
  peft.model->eval();
  const auto batch = random_batch(5, 7);
  expect_rows_match(peft, batch, {"a", "b", "c", "c", "", "a", "b"});
  // The adapters really differ, or the test would prove nothing.
  torch::NoGradGuard no_grad;
  EXPECT_FALSE(AllClose(peft.model->forward(batch.inputs, peft.context_for("a")),
                        peft.model->forward(batch.inputs, peft.context_for("b")), 1e-3));
}

TEST(MixedBatch, BottleneckAdaptersTakeThePerRowPathWithTheSameResult) {
  const nlohmann::json houlsby = {{"bottleneck", 4}, {"train_layer_norms", false}};
  methods::PeftModel peft(tiny_model(1), methods::create_method("houlsby", houlsby), "h");
  peft.add_adapter("p", methods::create_method("pfeiffer", {{"bottleneck", 4}}));
  peft.add_adapter("l", methods::create_method("lora", {{"r", 2}}));
  for (const auto& name : {"h", "p", "l"}) {
    peft.set_adapter(name);
    perturb(peft, 7);
  }
  peft.model->eval();
  expect_rows_match(peft, random_batch(6, 5), {"p", "h", "l", "", "h"});
}

// (IA)^3 scales a feed-forward layer's input when a batch is one adapter's, and adds W((l - 1) x) per row in
// a mixed one; DoRA, AdaLoRA, parallel adapters, Compacter and AdaMix take the per-row path.
TEST(MixedBatch, TheAdapterFamilyGivesEachRowWhatItsAdapterAloneGives) {
  methods::PeftModel peft(tiny_model(1), methods::create_method("ia3", nlohmann::json::object()), "ia3");
  const std::vector<std::pair<std::string, nlohmann::json>> others = {
      {"lora", {{"r", 2}, {"use_dora", true}}},
      {"adalora", {{"init_r", 3}, {"target_r", 2}}},
      {"parallel", {{"bottleneck", 4}}},
      {"compacter", {{"bottleneck", 4}, {"phm_dim", 2}}},
      {"adamix", {{"bottleneck", 4}, {"num_experts", 2}}}};
  for (const auto& [method, config] : others) peft.add_adapter(method, methods::create_method(method, config));
  for (const auto* name : {"ia3", "lora", "adalora", "parallel", "compacter", "adamix"}) {
    peft.set_adapter(name);
    perturb(peft, 11);
  }
  peft.model->eval();
  expect_rows_match(peft, random_batch(6, 8), {"ia3", "lora", "", "adalora", "parallel", "compacter", "adamix", "ia3"});
}

TEST(NamedAdapters, EachAdapterKeepsItsOwnHeadAndTrainingOneLeavesTheOtherAlone) {
  methods::PeftModel peft(tiny_model(1), methods::create_method("lora", {{"r", 2}}), "a");
  peft.set_adapter("a");
  perturb(peft, 1);
  peft.model->eval();
  const auto batch = random_batch(9);
  torch::NoGradGuard no_grad;
  const auto a_before = peft.model->forward(batch.inputs, peft.context_for("a"));

  peft.add_adapter("b", methods::create_method("houlsby", {{"bottleneck", 4}, {"train_layer_norms", false}}));
  peft.set_adapter("b");
  EXPECT_EQ(peft.adapter_names(), (std::vector<std::string>{"a", "b"}));
  const auto names = trainable_names(peft);
  EXPECT_TRUE(names.count("classifier.weight") && names.count("classifier.bias"));
  // b's head is a copy of the base's head from before a trained it, not a's head.
  const auto a_head = peft.model->head->named_parameters()["weight"];
  const auto b_head = peft.model->head_of("b")->named_parameters()["weight"];
  EXPECT_NE(a_head.data_ptr(), b_head.data_ptr());
  EXPECT_TRUE(torch::equal(b_head, tiny_model(1)->head->named_parameters()["weight"]));
  perturb(peft, 2);
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs, peft.context_for("a")), a_before));
  const auto b_out = peft.model->forward(batch.inputs, peft.context_for("b"));
  EXPECT_FALSE(AllClose(b_out, a_before, 1e-3));
  // The default forward follows the active adapter.
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs), b_out));

  // A saved b reloads onto a fresh base with its own head and gives b's outputs.
  TempDir dir;
  peft.save_adapter(dir.path("b"), {models::TaskKind::SequenceClassification, {"x", "y", "z"}, 16});
  auto loaded = methods::PeftModel::load_adapter(tiny_model(1), dir.path("b"));
  loaded.model->eval();
  EXPECT_TRUE(AllClose(loaded.model->forward(batch.inputs), b_out, 1e-6));
  // Loading it next to a as a named adapter gives the same, with a untouched.
  peft.add_adapter_from("b2", dir.path("b"));
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs, peft.context_for("b2")), b_out, 1e-6));
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs, peft.context_for("a")), a_before));

  peft.set_adapter("a");
  peft.delete_adapter("b");
  peft.delete_adapter("b2");
  EXPECT_EQ(peft.adapter_names(), (std::vector<std::string>{"a"}));
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs), a_before));
}

TEST(NamedAdapters, AnAdapterWithAHeadOfItsOwnShapeAnswersAlone) {
  methods::PeftModel peft(tiny_model(1), methods::create_method("lora", {{"r", 2}}), "three");
  auto five = models::make_head(tiny_config(), models::TaskKind::SequenceClassification, 5);
  peft.add_adapter("five", methods::create_method("lora", {{"r", 2}}), five);
  peft.model->eval();
  const auto batch = random_batch(3);
  torch::NoGradGuard no_grad;
  EXPECT_EQ(peft.model->forward(batch.inputs, peft.context_for("five")).size(1), 5);
  EXPECT_EQ(peft.model->forward(batch.inputs, peft.context_for("three")).size(1), 3);
  const auto mixed = peft.context_per_row({"five", "three", "five", ""});
  const auto message = error_of([&] { peft.model->forward(batch.inputs, mixed); });
  EXPECT_TRUE(has(message, "one output shape")) << message;
}

TEST(NamedAdapters, ClashesAndUnknownNamesAreOneLineErrors) {
  auto base = tiny_model(1);
  methods::PeftModel peft(base, methods::create_method("bitfit", {}), "bias");
  EXPECT_TRUE(has(error_of([&] { peft.add_adapter("bias", methods::create_method("lora", {})); }),
                  "already holds an adapter named 'bias'"));
  EXPECT_TRUE(has(error_of([&] { peft.add_adapter("more", methods::create_method("lora", {})); }),
                  "adapter 'bias' trains base tensor"));
  EXPECT_TRUE(has(error_of([&] { methods::PeftModel other(base, methods::create_method("lora", {})); }),
                  "another PeftModel"));
  const auto unknown = error_of([&] { peft.context_per_row({"bias", "nope"}); });
  EXPECT_TRUE(has(unknown, "no adapter named 'nope' (adapters: bias)")) << unknown;
  EXPECT_TRUE(has(error_of([&] { peft.delete_adapter("bias"); }), "is active"));
  methods::PeftModel lora(tiny_model(2), methods::create_method("lora", {}), "l");
  EXPECT_TRUE(has(error_of([&] { lora.add_adapter("b", methods::create_method("bitfit", {})); }),
                  "which every adapter on this base shares"));
}

TEST(NamedAdapters, MergingIsRefusedWhileSeveralAdaptersShareTheBaseAndAMergedOneRunsAlone) {
  methods::PeftModel peft(tiny_model(1), methods::create_method("lora", {{"r", 2}}), "a");
  peft.add_adapter("b", methods::create_method("lora", {{"r", 2}}));
  EXPECT_TRUE(has(error_of([&] { peft.model->merge_sites(); }), "several adapters (a, b)"));
  peft.delete_adapter("b");
  perturb(peft, 3);
  peft.model->eval();
  const auto batch = random_batch(4);
  torch::NoGradGuard no_grad;
  const auto unmerged = peft.model->forward(batch.inputs);
  peft.model->merge_sites();
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), unmerged, 1e-5));
  auto ctx = peft.model->default_context();
  ctx.adapters = nn::AdapterSelection::only({});
  EXPECT_TRUE(has(error_of([&] { peft.model->forward(batch.inputs, ctx); }), "'a' is merged into the base"));
}

TEST(MethodLifecycle, EvaluationRunsTheMethodInEvalModeWhateverModeTheModelWasIn) {
  auto probe = std::make_shared<ModeProbe>();
  methods::PeftModel peft(tiny_model(1), probe);
  const methods::TaskInfo task{models::TaskKind::SequenceClassification, {"a", "b", "c"}, 16};
  const auto data = random_task(3, 6);
  peft.model->eval();
  const auto eval_mode = train::predict(*peft.model, data, task, 4, torch::kCPU, 0);
  peft.model->train();
  const auto from_training = train::predict(*peft.model, data, task, 4, torch::kCPU, 0);
  EXPECT_TRUE(peft.model->is_training()) << "predict restores the mode it found";
  for (size_t i = 0; i < data.features.size(); ++i)
    EXPECT_TRUE(torch::equal(eval_mode.logits[i], from_training.logits[i])) << i;
  // And the probe does see the flag: a training forward differs.
  const auto batch = random_batch(4);
  torch::NoGradGuard no_grad;
  auto ctx = peft.model->default_context();
  ctx.training = false;
  const auto off = peft.model->forward(batch.inputs, ctx);
  peft.model->eval();
  EXPECT_TRUE(torch::equal(peft.model->forward(batch.inputs), off));
  ctx.training = true;
  torch::manual_seed(0);
  auto on_probe = peft.model->forward(batch.inputs, ctx);
  EXPECT_FALSE(AllClose(on_probe, off, 1e-3));
}

TEST(MethodLifecycle, AnExtraLossAddsItsGradientToTheTasksAsComputedByHand) {
  const double lambda = 0.7;
  auto probe = std::make_shared<ModeProbe>(lambda);
  methods::PeftModel peft(tiny_model(1), probe);
  peft.model->eval();  // no dropout: both passes see the same function
  const auto batch = random_batch(5);
  peft.training_loss(peft.model->forward(batch.inputs), batch.labels).backward();
  const auto with_extra = probe->weight.grad().clone();
  probe->weight.grad().zero_();
  peft.model->loss(peft.model->forward(batch.inputs), batch.labels).backward();
  const auto task_only = probe->weight.grad().clone();
  EXPECT_TRUE(AllClose(with_extra, task_only + lambda * probe->weight.detach(), 1e-6));
  EXPECT_GT(task_only.abs().item<double>(), 0) << "the task gradient must reach the probe too";
}

TEST(MethodLifecycle, TheTrainerCallsBeginStepExtraLossAndAfterBackwardInOrder) {
  auto probe = std::make_shared<ModeProbe>(0.1);
  methods::PeftModel peft(tiny_model(1), probe);
  TempDir dir;
  train::TrainOptions o;
  o.max_steps = 2;
  o.batch_size = 4;
  o.grad_accum = 2;
  o.quiet = true;
  o.out_dir = dir.path("out");
  const methods::TaskInfo task{models::TaskKind::SequenceClassification, {"a", "b", "c"}, 16};
  const auto data = random_task(5, 16);
  train::train(peft, data, nullptr, task, o, torch::kCPU, 0);
  const std::vector<std::string> expected = {"begin 1/2", "extra", "extra", "after 1 grad",
                                             "begin 2/2", "extra", "extra", "after 2 grad"};
  EXPECT_EQ(probe->calls, expected);
}

}  // namespace
}  // namespace peft::testing
