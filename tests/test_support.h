// Shared helpers of the torch test suite (header-only: only tests/test-*.cpp are compiled): fixture
// tensors, tolerance checks, a tiny randomised model with random batches; files and errors come from
// support/scratch.h.
#pragma once
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "core/error.h"
#include "methods/peft_model.h"
#include "methods/registry.h"
#include "models/checkpoint.h"
#include "models/tensor_io.h"
#include "support/scratch.h"
#include "train/task_data.h"

namespace peft::testing {

constexpr double kTolerance = 1e-4;  // the fixtures' case.json tolerance (fp32 vs HF)

using test::fixture;

// Reads a fixture's expected.safetensors.
inline models::TensorMap expected(const std::string& case_name) {
  return models::read_tensors(fixture(case_name + "/expected.safetensors"));
}

// The tensor `name` of `tensors`; throws (failing the test with the name) when absent.
inline const torch::Tensor& at(const models::TensorMap& tensors, const std::string& name) {
  auto it = tensors.find(name);
  if (it == tensors.end()) throw std::runtime_error("no tensor '" + name + "'");
  return it->second;
}

// Model inputs stored as <prefix>.input_ids / .attention_mask / .token_type_ids (the last optional).
inline models::ModelInputs inputs_of(const models::TensorMap& tensors, const std::string& prefix) {
  models::ModelInputs in;
  in.input_ids = at(tensors, prefix + ".input_ids");
  in.attention_mask = at(tensors, prefix + ".attention_mask");
  if (tensors.count(prefix + ".token_type_ids")) in.token_type_ids = at(tensors, prefix + ".token_type_ids");
  return in;
}

// Same shape and max |actual - expected| <= tolerance; the failure message gives both.
inline ::testing::AssertionResult AllClose(const torch::Tensor& actual, const torch::Tensor& expected,
                                           double tolerance = kTolerance) {
  if (!actual.defined() || !expected.defined()) return ::testing::AssertionFailure() << "undefined tensor";
  if (actual.sizes() != expected.sizes())
    return ::testing::AssertionFailure() << "shape " << actual.sizes() << " != expected " << expected.sizes();
  if (actual.numel() == 0) return ::testing::AssertionSuccess();
  const double diff = (actual.detach().to(torch::kFloat64) - expected.detach().to(torch::kFloat64))
                          .abs().max().item<double>();
  if (diff <= tolerance) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "max |diff| " << diff << " > " << tolerance;
}

// ---- a tiny randomised model ------------------------------------------------------------------------

inline models::ModelConfig tiny_config() {
  models::ModelConfig c;
  c.vocab_size = 50;
  c.hidden_size = 16;
  c.num_hidden_layers = 2;
  c.num_attention_heads = 2;
  c.intermediate_size = 32;
  c.max_position_embeddings = 32;
  c.hidden_dropout_prob = 0.1;
  c.attention_probs_dropout_prob = 0.1;
  return c;
}

constexpr int64_t kTinyLabels = 3;

// Every tensor random: weights N(0, 0.3), biases and LayerNorm weights perturbed away from 0 / 1, so
// logits are O(1) and every tensor matters (HF's 0.02 init would make logits ~1e-2 and tests vacuous).
inline void randomise(torch::nn::Module& module, uint64_t seed) {
  torch::manual_seed(seed);
  models::init_parameters(module, 0.3, [](const std::string&) { return true; });
  torch::NoGradGuard no_grad;
  for (auto& p : module.parameters())
    if (p.dim() == 1) p.add_(torch::randn_like(p) * 0.1);
}

inline models::TaskModel tiny_model(uint64_t seed,
                                    models::TaskKind kind = models::TaskKind::SequenceClassification,
                                    int64_t labels = kTinyLabels) {
  torch::manual_seed(seed);
  models::TaskModel model(tiny_config(), kind, labels);
  randomise(*model, seed);
  return model;
}

// Deep copies of every parameter, by name.
inline models::TensorMap snapshot(const torch::nn::Module& module) {
  models::TensorMap out;
  for (const auto& item : module.named_parameters()) out.emplace(item.key(), item.value().detach().clone());
  return out;
}

// A fresh tiny model holding exactly `weights` (a snapshot of another tiny model).
inline models::TaskModel tiny_model_with(const models::TensorMap& weights) {
  models::TaskModel model(tiny_config(), models::TaskKind::SequenceClassification, kTinyLabels);
  models::load_state(*model, weights, "snapshot", model->config().prefix(), [](const std::string&) { return false; });
  return model;
}

struct Batch {
  models::ModelInputs inputs;
  torch::Tensor labels;
};

// Random ids, token types and labels; each row has a random number of real tokens (>= 2), padding after.
inline Batch random_batch(uint64_t seed, int64_t batch = 4, int64_t length = 10, int64_t labels = kTinyLabels) {
  torch::manual_seed(seed);
  const auto vocab = tiny_config().vocab_size;
  Batch b;
  auto lengths = torch::randint(2, length + 1, {batch, 1}, torch::kLong);
  b.inputs.attention_mask = (torch::arange(length, torch::kLong).unsqueeze(0) < lengths).to(torch::kLong);
  b.inputs.input_ids = torch::randint(1, vocab, {batch, length}, torch::kLong) * b.inputs.attention_mask;
  b.inputs.token_type_ids = torch::randint(0, 2, {batch, length}, torch::kLong) * b.inputs.attention_mask;
  b.labels = torch::randint(0, labels, {batch}, torch::kLong);
  return b;
}

// n labelled sentences of random_batch's ids (no padding, token types 0), as the trainer reads a task.
inline train::TaskData random_task(uint64_t seed, int64_t n) {
  const auto batch = random_batch(seed, n);
  train::TaskData data;
  for (int64_t i = 0; i < n; ++i) {
    train::Feature f;
    const auto length = batch.inputs.attention_mask[i].sum().item<int64_t>();
    for (int64_t t = 0; t < length; ++t) {
      f.input_ids.push_back(std::max<int64_t>(1, batch.inputs.input_ids[i][t].item<int64_t>()));
      f.token_type_ids.push_back(0);
    }
    f.label = batch.labels[i].item<int64_t>();
    data.features.push_back(f);
  }
  return data;
}

inline methods::PeftModel attach(models::TaskModel model, const std::string& method, const nlohmann::json& config) {
  return methods::PeftModel(std::move(model), methods::create_method(method, config));
}

// Names of the tensors the optimiser would see (the adapter-file names of PeftModel::trainable_tensors).
inline std::set<std::string> trainable_names(const methods::PeftModel& peft) {
  std::set<std::string> names;
  for (const auto& [name, _] : peft.trainable_tensors()) names.insert(name);
  return names;
}

inline int64_t numel_where(torch::nn::Module& module, const std::function<bool(const std::string&)>& pred) {
  int64_t n = 0;
  for (const auto& item : module.named_parameters())
    if (pred(item.key())) n += item.value().numel();
  return n;
}

inline bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---- a GPU, where this LibTorch sees one ------------------------------------------------------------

// Tests of the CUDA path begin with this: on a machine without a GPU (Debian's CPU-only LibTorch, CI)
// they report SKIPPED instead of passing vacuously.
#define PEFT_SKIP_WITHOUT_CUDA() \
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no CUDA device visible to this LibTorch"

// ---- files and errors --------------------------------------------------------------------------------

using test::error_of;
using test::TempDir;

}  // namespace peft::testing
