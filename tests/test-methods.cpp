// Properties every method must have, on a tiny random BERT (hidden 16, 2 layers, 2 heads, FFN 32, vocab 50):
// training moves exactly the trainable tensors, gradients reach only them, adapters round-trip through
// their files and refuse another base, parameter counts follow each method's formula, and a freshly
// attached method (nearly) leaves the model's function unchanged.
#include <gtest/gtest.h>

#include "test_support.h"
#include "train/evaluate.h"
#include "train/precision.h"

namespace peft::testing {
namespace {

using models::TaskKind;

struct MethodCase {
  std::string name;  // the method, then "_" and what this case varies
  std::string method() const { return name.substr(0, name.find('_')); }
  nlohmann::json config;
  bool exact_at_init;  // the attached method changes nothing before training (else: only nearly)
};

std::ostream& operator<<(std::ostream& os, const MethodCase& c) { return os << c.name; }

const std::vector<MethodCase> kMethods = {
    {"full", nlohmann::json::object(), true},
    {"full_frozen", {{"frozen_modules", {"word_embeddings", "query"}}}, true},
    {"bitfit", nlohmann::json::object(), true},
    {"lora", {{"r", 4}, {"lora_alpha", 8}}, true},
    {"lora_embeddings", {{"r", 4}, {"target_modules", {"value", "word_embeddings", "token_type_embeddings"}}}, true},
    {"houlsby", {{"bottleneck", 4}}, false},
    {"pfeiffer", {{"bottleneck", 4}}, false},
    {"pfeiffer_mam", {{"bottleneck", 4}, {"init_weights", "mam_adapter"}}, true},
    {"houlsby_inv", {{"bottleneck", 4}, {"inv_adapter", "nice"}}, false},
    {"houlsby+lora_embeddings",
     {{"houlsby", {{"bottleneck", 4}}}, {"lora", {{"r", 4}, {"target_modules", {"value", "word_embeddings"}}}}},
     false},
    {"bitfit+lora", {{"lora", {{"r", 2}}}}, true},
    {"ia3", nlohmann::json::object(), true},
    {"lora_dora", {{"r", 4}, {"use_dora", true}, {"target_modules", {"query", "value", "output.dense"}}}, true},
    {"parallel", {{"bottleneck", 4}}, true},
    {"parallel_learned", {{"bottleneck", 4}, {"scaling", "learned"}, {"mh_adapter", true}}, true},
    {"compacter", {{"bottleneck", 4}, {"phm_dim", 2}}, false},
    {"adamix", {{"bottleneck", 4}, {"num_experts", 2}}, true},
    {"adalora", {{"init_r", 4}, {"target_r", 2}, {"target_modules", {"query", "intermediate.dense"}}}, true},
    {"compacterpp_own_rules", {{"bottleneck", 4}, {"phm_dim", 4}, {"phm_rank", 2}, {"shared_phm_rule", false}}, false},
};

// A few AdamW steps on random batches, optimising exactly PeftModel::trainable_tensors(); forward passes
// under `autocast` when given (mixed precision). Batches of 16: a classifier's last layer sees only the
// first tokens, and with 4 of them a small ReLU bottleneck there can stay dead for all three steps.
void train_steps(methods::PeftModel& peft, int steps, std::optional<torch::ScalarType> autocast = std::nullopt) {
  std::vector<torch::Tensor> params;
  for (auto& [name, t] : peft.trainable_tensors()) params.push_back(t);
  torch::optim::AdamW optimizer(params, torch::optim::AdamWOptions(1e-2));
  peft.model->train();
  const auto device = peft.model->parameters().front().device();
  for (int step = 0; step < steps; ++step) {
    const auto batch = random_batch(100 + step, /*batch=*/16);
    optimizer.zero_grad();
    peft.model->loss(train::forward_fp32_logits(*peft.model, batch.inputs.to(device), autocast),
                     batch.labels.to(device))
        .backward();
    optimizer.step();
  }
}

models::TensorMap own_snapshot(const methods::PeftModel& peft) {
  models::TensorMap out;
  for (const auto& [name, t] : peft.method->own_tensors()) out.emplace(name, t.detach().clone());
  return out;
}

class EveryMethod : public ::testing::TestWithParam<MethodCase> {
 protected:
  methods::PeftModel make(models::TaskModel base) const {
    return attach(std::move(base), GetParam().method(), GetParam().config);
  }
  methods::TaskInfo task() const { return {TaskKind::SequenceClassification, {"neg", "neu", "pos"}, 16}; }
  bool trains_all() const { return GetParam().name == "full"; }  // the case freezes nothing

  // Trains a little on `device`, saves the adapter, and reloads it onto a fresh copy of the base on the
  // CPU with another head (the adapter's must replace it: the fingerprint ignores heads). The function
  // comes back bit-exactly from the CPU, to fp32 rounding from a GPU.
  void expect_saved_adapter_reloads(const torch::Device& device) const {
    auto base = tiny_model(1);
    const auto base_weights = snapshot(*base);
    base->to(device);
    auto peft = make(base);
    train_steps(peft, 2);
    peft.model->eval();
    const auto batch = random_batch(9);
    torch::NoGradGuard no_grad;
    const auto logits = peft.model->forward(batch.inputs.to(device)).cpu();

    TempDir dir;
    peft.save_adapter(dir.path("adapter"), task());
    auto fresh = tiny_model_with(base_weights);
    torch::manual_seed(99);
    models::init_parameters(*fresh, 0.5, [&](const std::string& n) { return fresh->is_head_parameter(n); });
    auto loaded = methods::PeftModel::load_adapter(fresh, dir.path("adapter"));
    loaded.model->eval();
    EXPECT_STREQ(loaded.method->method_name(), GetParam().method().c_str());
    EXPECT_EQ(trainable_names(loaded), trainable_names(peft));
    const auto reloaded = loaded.model->forward(batch.inputs);
    if (device.is_cpu()) EXPECT_TRUE(torch::equal(reloaded, logits));
    else EXPECT_TRUE(AllClose(reloaded, logits));
  }
};

// Trains a few steps, then checks that every trainable tensor moved and every frozen one is bit-identical.
// trains_all: the case freezes nothing (plain full fine-tuning).
void expect_training_changes_exactly_the_trainable_tensors(methods::PeftModel peft, bool trains_all,
                                                           std::optional<torch::ScalarType> autocast) {
  const auto base_before = snapshot(*peft.model);
  const auto own_before = own_snapshot(peft);
  train_steps(peft, 3, autocast);

  size_t frozen = 0;
  for (const auto& item : peft.model->named_parameters()) {
    const bool same = torch::equal(item.value(), at(base_before, item.key()));
    if (item.value().requires_grad()) {
      EXPECT_FALSE(same) << "trainable " << item.key() << " did not change";
    } else {
      ++frozen;
      EXPECT_TRUE(same) << "frozen " << item.key() << " changed";
    }
  }
  for (const auto& [name, t] : peft.method->own_tensors())
    EXPECT_FALSE(torch::equal(t, at(own_before, name))) << "method tensor " << name << " did not change";
  if (trains_all) EXPECT_EQ(frozen, 0u);
  else EXPECT_GT(frozen, 0u);
}

TEST_P(EveryMethod, TrainingChangesExactlyTheTrainableTensors) {
  expect_training_changes_exactly_the_trainable_tensors(make(tiny_model(1)), trains_all(), std::nullopt);
}

TEST_P(EveryMethod, Bf16MixedPrecisionTrainingChangesExactlyTheTrainableTensors) {
  expect_training_changes_exactly_the_trainable_tensors(make(tiny_model(1)), trains_all(), torch::kBFloat16);
}

TEST_P(EveryMethod, CudaTrainingChangesExactlyTheTrainableTensorsInFp32AndBf16) {
  PEFT_SKIP_WITHOUT_CUDA();
  for (auto autocast : {std::optional<torch::ScalarType>(), std::optional<torch::ScalarType>(torch::kBFloat16)}) {
    auto base = tiny_model(1);
    base->to(torch::kCUDA);
    expect_training_changes_exactly_the_trainable_tensors(make(base), trains_all(), autocast);
  }
}

TEST_P(EveryMethod, GradientsReachOnlyTrainableTensors) {
  auto peft = make(tiny_model(1));
  peft.model->train();
  const auto batch = random_batch(7);
  peft.model->loss(peft.model->forward(batch.inputs), batch.labels).backward();

  std::set<std::string> expected_trainable;
  for (const auto& item : peft.model->named_parameters()) {
    const auto& p = item.value();
    EXPECT_EQ(p.grad().defined(), p.requires_grad()) << item.key();
    if (p.requires_grad()) expected_trainable.insert(item.key());
    // The head always trains; the rest only when the method says so.
    if (peft.model->is_head_parameter(item.key())) EXPECT_TRUE(p.requires_grad()) << item.key();
  }
  for (const auto& [name, t] : peft.method->own_tensors()) {
    EXPECT_TRUE(t.requires_grad()) << name;
    EXPECT_TRUE(t.grad().defined()) << name;
    expected_trainable.insert(name);
  }
  const auto trainable = peft.trainable_tensors();
  EXPECT_EQ(trainable.size(), expected_trainable.size()) << "trainable_tensors() lists a tensor twice";
  EXPECT_EQ(trainable_names(peft), expected_trainable);
}

// A classifier's forward computes the last layer for the first position alone; with the method trained
// (adapters away from their identity init) that equals the head on the full last hidden state.
TEST_P(EveryMethod, FirstTokenOnlyLastLayerGivesTheFullForwardsLogits) {
  auto peft = make(tiny_model(1));
  ASSERT_TRUE(peft.model->head->reads_first_token_only());
  train_steps(peft, 2);
  peft.model->eval();
  const auto batch = random_batch(12);
  torch::NoGradGuard no_grad;
  const auto full = peft.model->head->forward(peft.model->backbone->forward(batch.inputs), *peft.model->backbone);
  EXPECT_TRUE(AllClose(peft.model->forward(batch.inputs), full));
}

// Evaluation runs the model and the method in eval mode, whatever mode it finds them in (dropout in the
// tiny model's layers and any mode-dependent method would make a training-mode prediction differ).
TEST_P(EveryMethod, EvaluationRunsInEvalModeWhateverModeTheModelIsIn) {
  auto peft = make(tiny_model(1));
  train_steps(peft, 1);
  const auto data = random_task(4, 6);
  peft.model->eval();
  const auto expected = train::predict(*peft.model, data, task(), 4, torch::kCPU, 0);
  peft.model->train();
  const auto got = train::predict(*peft.model, data, task(), 4, torch::kCPU, 0);
  for (size_t i = 0; i < data.features.size(); ++i) EXPECT_TRUE(torch::equal(got.logits[i], expected.logits[i])) << i;
}

TEST_P(EveryMethod, SavedAdapterReloadsOntoAFreshCopyOfTheBase) {
  expect_saved_adapter_reloads(torch::kCPU);
  TempDir dir;
  make(tiny_model(1)).save_adapter(dir.path("adapter"), task());
  const auto config = methods::read_adapter_config(dir.path("adapter"));
  const auto info = methods::adapter_task(dir.path("adapter"), config);
  EXPECT_EQ(info.kind, TaskKind::SequenceClassification);
  EXPECT_EQ(info.labels, task().labels);
  EXPECT_EQ(info.max_length, 16);
}

TEST_P(EveryMethod, AdapterTrainedOnCudaReloadsOnTheCpu) {
  PEFT_SKIP_WITHOUT_CUDA();
  expect_saved_adapter_reloads(torch::kCUDA);
}

TEST_P(EveryMethod, AdapterRefusesAnotherBase) {
  auto peft = make(tiny_model(1));
  TempDir dir;
  peft.save_adapter(dir.path("adapter"), task());
  auto message = error_of([&] { methods::PeftModel::load_adapter(tiny_model(2), dir.path("adapter")); });
  EXPECT_TRUE(has(message, "fingerprint")) << message;
}

TEST_P(EveryMethod, FreshlyAttachedMethodKeepsTheModelsFunction) {
  auto base = tiny_model(1);
  base->eval();
  const auto batch = random_batch(11);
  torch::NoGradGuard no_grad;
  const auto before = base->forward(batch.inputs);
  ASSERT_GT(before.abs().max().item<double>(), 0.1) << "logits too small for this test to mean anything";
  auto peft = make(base);
  peft.model->eval();
  const auto after = peft.model->forward(batch.inputs);
  if (GetParam().exact_at_init) {
    EXPECT_TRUE(torch::equal(after, before));
  } else {
    EXPECT_TRUE(AllClose(after, before, 1e-2));
    EXPECT_FALSE(torch::equal(after, before)) << "the adapter is not in the forward pass";
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, EveryMethod, ::testing::ValuesIn(kMethods),
                         [](const auto& info) {  // gtest names allow [A-Za-z0-9_] only
                           auto name = info.param.name;
                           std::replace(name.begin(), name.end(), '+', 'X');
                           return name;
                         });

// ---- parameter counts ---------------------------------------------------------------------------------

struct Dims {
  int64_t d, i, layers, labels, vocab, positions, types;
  int64_t head() const { return d * labels + labels; }  // classifier (pooler belongs to the backbone)
  int64_t layer_norms() const { return 2 * d + layers * 2 * 2 * d; }  // embeddings + 2 per layer
  int64_t biases() const { return layers * (4 * d + i + d + 2 * d) + d /*emb LN*/ + d /*pooler*/ + labels; }
  int64_t total() const {
    const int64_t embeddings = (vocab + positions + types) * d + 2 * d;
    const int64_t layer = 4 * (d * d + d) + (d * i + i) + (i * d + d) + 2 * 2 * d;
    return embeddings + layers * layer + (d * d + d) + head();
  }
};

Dims tiny_dims() {
  const auto c = tiny_config();
  return {c.hidden_size, c.intermediate_size, c.num_hidden_layers, kTinyLabels, c.vocab_size,
          c.max_position_embeddings, c.type_vocab_size};
}

methods::ParameterCounts counts(const std::string& method, const nlohmann::json& config) {
  return attach(tiny_model(1), method, config).count_parameters();
}

TEST(ParameterCounts, FullTrainsEverything) {
  const auto dims = tiny_dims();
  const auto c = counts("full", nlohmann::json::object());
  EXPECT_EQ(c.base, dims.total());
  EXPECT_EQ(c.added, 0);
  EXPECT_EQ(c.trainable, dims.total());
  EXPECT_DOUBLE_EQ(c.share(), 1.0);
}

TEST(ParameterCounts, FullLeavesFrozenModulesOut) {
  const auto dims = tiny_dims();
  auto c = counts("full", {{"frozen_modules", {"word_embeddings"}}});
  EXPECT_EQ(c.trainable, dims.total() - dims.vocab * dims.d);
  // all-linear freezes every linear site (the pooler too) but not embeddings, LayerNorms or the head.
  c = counts("full", {{"frozen_modules", "all-linear"}});
  EXPECT_EQ(c.trainable, (dims.vocab + dims.positions + dims.types) * dims.d + dims.layer_norms() + dims.head());
  auto message = error_of([] { counts("full", {{"frozen_modules", {"word_embedding"}}}); });
  EXPECT_TRUE(has(message, "full: frozen_modules: 'word_embedding' matched no module")) << message;
}

TEST(ParameterCounts, BitFitTrainsEveryBiasAndTheHead) {
  const auto dims = tiny_dims();
  const auto c = counts("bitfit", nlohmann::json::object());
  EXPECT_EQ(c.base, dims.total());
  EXPECT_EQ(c.added, 0);
  EXPECT_EQ(c.trainable, dims.biases() + dims.d * dims.labels);
}

TEST(ParameterCounts, LoraAddsRTimesInPlusOutPerTargetedLinear) {
  const auto dims = tiny_dims();
  const int64_t r = 4;
  auto c = counts("lora", {{"r", r}});
  EXPECT_EQ(c.base, dims.total());
  EXPECT_EQ(c.added, 2 * dims.layers * r * (dims.d + dims.d));  // query, value
  EXPECT_EQ(c.trainable, c.added + dims.head());
  // all-linear: in != out for the FFN, so a swapped A/B shape would show.
  c = counts("lora", {{"r", 2}, {"target_modules", "all-linear"}});
  const int64_t per_layer = 4 * 2 * (dims.d + dims.d) + 2 * (dims.d + dims.i) + 2 * (dims.i + dims.d);
  EXPECT_EQ(c.added, dims.layers * per_layer + 2 * (dims.d + dims.d) /*pooler*/);
  // An embedding table is a linear map of one-hot ids: r (num_embeddings + dim); all-linear leaves it out.
  c = counts("lora", {{"r", r}, {"target_modules", {"word_embeddings", "position_embeddings"}}});
  EXPECT_EQ(c.added, r * (dims.vocab + dims.d) + r * (dims.positions + dims.d));
}

int64_t adapter_size(int64_t d, int64_t m) { return 2 * m * d + d + m; }  // down (d->m) and up (m->d)

TEST(ParameterCounts, HoulsbyAddsTwoAdaptersPerLayerAndTrainsLayerNorms) {
  const auto dims = tiny_dims();
  auto c = counts("houlsby", {{"bottleneck", 4}});
  EXPECT_EQ(c.base, dims.total());
  EXPECT_EQ(c.added, 2 * dims.layers * adapter_size(dims.d, 4));
  EXPECT_EQ(c.trainable, c.added + dims.layer_norms() + dims.head());
  // Default bottleneck: hidden / reduction_factor (16 / 16 = 1).
  EXPECT_EQ(counts("houlsby", nlohmann::json::object()).added, 2 * dims.layers * adapter_size(dims.d, 1));
  EXPECT_EQ(counts("houlsby", {{"reduction_factor", 4}}).added, 2 * dims.layers * adapter_size(dims.d, 4));
}

TEST(ParameterCounts, PfeifferAddsOneAdapterPerLayer) {
  const auto dims = tiny_dims();
  const auto c = counts("pfeiffer", {{"bottleneck", 4}});
  EXPECT_EQ(c.base, dims.total());
  EXPECT_EQ(c.added, dims.layers * adapter_size(dims.d, 4));
  EXPECT_EQ(c.trainable, c.added + dims.head());
}

TEST(ParameterCounts, ParallelAddsOneAdapterPerChosenBranchAndALearnedScaleEach) {
  const auto dims = tiny_dims();
  // AdapterHub's ParBnConfig: reduction_factor 2, after the MLP only.
  EXPECT_EQ(counts("parallel", nlohmann::json::object()).added, dims.layers * adapter_size(dims.d, dims.d / 2));
  const auto c = counts("parallel", {{"bottleneck", 4}, {"mh_adapter", true}, {"scaling", "learned"}});
  EXPECT_EQ(c.added, 2 * dims.layers * (adapter_size(dims.d, 4) + 1));
  EXPECT_EQ(c.trainable, c.added + dims.head());
}

// Compacter: per adapter r(d + m) + m for the down PHM layer and r(m + d) + d for the up one, plus the n×n×n
// rules: two sets shared by the model, or a set per layer of each adapter.
TEST(ParameterCounts, CompacterCountsSharedRulesOnceAndLowRankFactorsPerAdapter) {
  const auto dims = tiny_dims();
  const int64_t m = 8, n = 4;
  for (int64_t r : {1, 2}) {
    const int64_t adapter = r * (dims.d + m) + m + r * (m + dims.d) + dims.d;
    auto c = counts("compacter", {{"bottleneck", m}, {"phm_dim", n}, {"phm_rank", r}});
    EXPECT_EQ(c.added, 2 * n * n * n + 2 * dims.layers * adapter) << r;
    EXPECT_EQ(c.trainable, c.added + dims.head());
    c = counts("compacterpp", {{"bottleneck", m}, {"phm_dim", n}, {"phm_rank", r}, {"shared_phm_rule", false}});
    EXPECT_EQ(c.added, dims.layers * (adapter + 2 * n * n * n)) << r;
  }
  const auto message = error_of([] { counts("compacter", {{"bottleneck", 6}, {"phm_dim", 4}}); });
  EXPECT_TRUE(has(message, "compacter: phm_dim 4 must divide the hidden size (16) and the bottleneck (6)")) << message;
}

TEST(ParameterCounts, AdaLoraAddsInitRTimesInPlusOutPlusOnePerTarget) {
  const auto dims = tiny_dims();
  const auto c = counts("adalora", {{"init_r", 6}, {"target_r", 2}, {"target_modules", {"value", "output.dense"}}});
  // value: d -> d; output.dense: the attention output (d -> d) and the MLP output (i -> d).
  EXPECT_EQ(c.added, dims.layers * 6 * ((2 * dims.d + 1) + (2 * dims.d + 1) + (dims.i + dims.d + 1)));
  EXPECT_EQ(c.trainable, c.added + dims.head());
}

TEST(ParameterCounts, AdaMixHoldsNExpertAdaptersPerSite) {
  const auto dims = tiny_dims();
  const auto c = counts("adamix", {{"bottleneck", 4}, {"num_experts", 3}, {"mh_adapter", true}});
  EXPECT_EQ(c.added, 2 * dims.layers * 3 * adapter_size(dims.d, 4));
  EXPECT_EQ(c.trainable, c.added + dims.head());
}

TEST(ParameterCounts, Ia3AddsOneVectorPerTarget) {
  const auto dims = tiny_dims();
  // Keys and values scale their d outputs; both output projections ("output.dense") scale their inputs.
  const auto c = counts("ia3", nlohmann::json::object());
  EXPECT_EQ(c.added, dims.layers * (dims.d + dims.d + dims.d + dims.i));
  EXPECT_EQ(c.trainable, c.added + dims.head());
  const nlohmann::json outputs = {{"target_modules", {"query", "intermediate.dense"}},
                                  {"feedforward_modules", nlohmann::json::array()}};
  EXPECT_EQ(counts("ia3", outputs).added, dims.layers * (dims.d + dims.i));
}

TEST(ParameterCounts, DoraAddsAMagnitudePerOutputRowToLora) {
  const auto dims = tiny_dims();
  const int64_t r = 4;
  const auto lora = counts("lora", {{"r", r}, {"target_modules", {"value", "intermediate.dense"}}});
  const auto dora = counts("lora", {{"r", r}, {"target_modules", {"value", "intermediate.dense"}}, {"use_dora", true}});
  EXPECT_EQ(lora.added, dims.layers * (r * (dims.d + dims.d) + r * (dims.d + dims.i)));
  EXPECT_EQ(dora.added, lora.added + dims.layers * (dims.d + dims.i));
}

// MAD-X's invertible adapter: F and G, each half -> half / factor -> half (Linear, non-linearity, Linear).
TEST(ParameterCounts, InvertibleAdapterAddsTwoCouplingNetworks) {
  const auto dims = tiny_dims();
  const auto plain = counts("houlsby", {{"bottleneck", 4}});
  const int64_t half = dims.d / 2;
  for (int64_t factor : {2, 4}) {
    const auto c = counts("houlsby", {{"bottleneck", 4}, {"inv_adapter", "nice"}, {"inv_adapter_reduction_factor", factor}});
    const int64_t m = half / factor;
    EXPECT_EQ(c.added, plain.added + 2 * (half * m + m + m * half + half)) << factor;
    EXPECT_EQ(c.trainable, plain.trainable + c.added - plain.added);
  }
}

TEST(InvertibleAdapter, UnsupportedSettingsAreClearErrors) {
  auto message = error_of([] { methods::create_method("pfeiffer", {{"inv_adapter", "glow"}}); });
  EXPECT_TRUE(has(message, "pfeiffer: inv_adapter \"glow\" is not supported")) << message;
  message = error_of([] {
    auto mlm = models::TaskModel(tiny_config(), TaskKind::MaskedLM, 0);
    attach(mlm, "houlsby", {{"inv_adapter", "nice"}});
  });
  EXPECT_TRUE(has(message, "inv_adapter is not supported with a masked-LM head")) << message;
}

TEST(ParameterCounts, UnionAddsItsMembersAndTrainsWhatAnyOfThemTrains) {
  const nlohmann::json houlsby = {{"bottleneck", 4}}, lora = {{"r", 4}, {"target_modules", {"word_embeddings"}}};
  const auto h = counts("houlsby", houlsby), l = counts("lora", lora);
  const auto c = counts("houlsby+lora", {{"houlsby", houlsby}, {"lora", lora}});
  EXPECT_EQ(c.base, tiny_dims().total());
  EXPECT_EQ(c.added, h.added + l.added);
  EXPECT_EQ(c.trainable, h.trainable + l.added);  // the head once: both members train it
}

TEST(MethodUnion, SavesEachMembersOptionsUnderItsName) {
  auto peft = attach(tiny_model(1), "houlsby+lora", {{"houlsby", {{"bottleneck", 3}}}, {"lora", {{"r", 2}}}});
  const auto config = peft.method->config_json();
  EXPECT_EQ(config["methods"], nlohmann::json({"houlsby", "lora"}));
  EXPECT_EQ(config["houlsby"]["bottleneck"], 3);
  EXPECT_EQ(config["lora"]["r"], 2);
  EXPECT_STREQ(peft.method->peft_type(), "UNION");
  EXPECT_FALSE(peft.method->mergeable());  // the adapters cannot fold into the base
}

TEST(MethodUnion, BadUnionsAreClearErrors) {
  auto message = error_of([] { methods::create_method("houlsby+lorra", nlohmann::json::object()); });
  EXPECT_TRUE(has(message, "unknown method 'lorra'")) << message;
  message = error_of([] { methods::create_method("lora+lora", nlohmann::json::object()); });
  EXPECT_TRUE(has(message, "'lora' is named twice")) << message;
  message = error_of([] { methods::create_method("houlsby+lora", {{"r", 2}}); });
  EXPECT_TRUE(has(message, "under their method's name") && has(message, "'r'")) << message;
  message = error_of([] { methods::create_method("houlsby+lora", {{"lora", {{"rank", 2}}}}); });
  EXPECT_TRUE(has(message, "lora: unknown or unsupported option 'rank'")) << message;
  message = error_of([] { methods::create_method("union", {{"methods", {"lora"}}}); });
  EXPECT_TRUE(has(message, "at least two")) << message;
  // Both put an adapter after every MLP under the same tensor names.
  message = error_of([] { attach(tiny_model(1), "houlsby+pfeiffer", nlohmann::json::object()); });
  EXPECT_TRUE(has(message, "would both save tensor")) << message;
}

// ---- bottleneck initialisations (AdapterHub's init_weights) -----------------------------------------

std::map<std::string, torch::Tensor> adapter_weights(const std::string& init) {
  auto peft = attach(tiny_model(1), "houlsby", {{"bottleneck", 64}, {"init_weights", init}});
  std::map<std::string, torch::Tensor> out;  // every site's down / up weights, concatenated
  for (const char* part : {"down", "up"}) {
    std::vector<torch::Tensor> parts;
    for (const auto& [name, t] : peft.method->own_tensors())
      if (name.find(std::string(".") + part + ".weight") != std::string::npos) parts.push_back(t.flatten());
    out[part] = torch::cat(parts);
  }
  return out;
}

TEST(BottleneckInit, HoulsbyDrawsBothWeightsFromANormalTruncatedAtTwoSigma) {
  for (const auto& [part, w] : adapter_weights("houlsby")) {
    EXPECT_LE(w.abs().max().item<double>(), 2e-2) << part;
    EXPECT_NEAR(w.std().item<double>(), 0.88e-2, 0.1e-2) << part;  // a 2-sigma truncation keeps 88% of sigma
  }
}

TEST(BottleneckInit, BertDrawsBothWeightsFromANormalOfStd002) {
  for (const auto& [part, w] : adapter_weights("bert")) EXPECT_NEAR(w.std().item<double>(), 0.02, 0.002) << part;
}

TEST(BottleneckInit, MamAdapterZeroesUpAndKeepsLinearsDefaultDown) {
  auto w = adapter_weights("mam_adapter");
  EXPECT_EQ(w["up"].abs().max().item<double>(), 0.0);
  const double bound = 1.0 / std::sqrt(16.0);  // kaiming-uniform(a = sqrt 5) over fan-in 16
  EXPECT_LE(w["down"].abs().max().item<double>(), bound);
  EXPECT_NEAR(w["down"].std().item<double>(), bound / std::sqrt(3.0), 0.1 * bound);
}

// ---- heads the checkpoint lacked -------------------------------------------------------------------

TEST(FreshHead, TensorsMissingFromTheCheckpointAreInitialisedAndTrain) {
  // An MLM checkpoint under a classification head: pooler and classifier are new, the MLM head is unused.
  models::LoadReport report;
  auto model = models::load_task_model(fixture("bert_mlm/model"), {TaskKind::SequenceClassification, 2, 0}, &report);
  const std::set<std::string> initialised(report.initialised.begin(), report.initialised.end());
  EXPECT_EQ(initialised, (std::set<std::string>{"bert.pooler.dense.weight", "bert.pooler.dense.bias",
                                                "classifier.weight", "classifier.bias"}));
  EXPECT_FALSE(report.unexpected.empty());
  auto peft = attach(model, "lora", nlohmann::json::object());
  const auto names = trainable_names(peft);
  for (const auto& name : initialised) EXPECT_EQ(names.count(name), 1u) << name;
  EXPECT_EQ(names.count("bert.encoder.layer.0.attention.self.query.weight"), 0u);
}

}  // namespace
}  // namespace peft::testing
