// Test-only methods that exercise one part of the foundation each: the input-sequence site, the key/value
// site, the training flag in the forward context, and the training lifecycle.
#pragma once
#include <string>
#include <vector>

#include "methods/method.h"

namespace peft::testing {

// Inserts two trainable vectors before position `at` of every row.
class InsertTwoVectors : public methods::Method, public nn::InputSequenceHook {
 public:
  explicit InsertTwoVectors(int64_t at) : at_(at) {}
  const char* method_name() const override { return "insert_two"; }
  const char* peft_type() const override { return "TEST_INSERT"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override {
    vectors = register_parameter("vectors", torch::randn({1, 2, model.config().hidden_size}));
    const std::shared_ptr<nn::InputSequenceHook> hook(shared_from_this(), this);
    model.sites().input_sequence.site->attach(adapter, hook);
  }
  void apply(nn::InputSequence& sequence, const nn::ForwardContext&) override { sequence.insert(at_, vectors); }
  methods::NamedTensors own_tensors() const override { return {{"prompt.vectors", vectors}}; }
  nlohmann::json config_json() const override { return nlohmann::json::object(); }
  torch::Tensor vectors;

 private:
  int64_t at_;
};

// Prepends `rows` trainable key and value rows in every layer.
class PrependKeyValues : public methods::Method {
 public:
  struct Rows : torch::nn::Module, nn::KeyValueHook {
    Rows(int64_t heads, int64_t rows, int64_t head_dim) {
      keys = register_parameter("keys", torch::randn({1, heads, rows, head_dim}));
      values = register_parameter("values", torch::randn({1, heads, rows, head_dim}));
    }
    void apply(nn::KeyValues& kv, const nn::ForwardContext&) override { kv.prepend(keys, values); }
    torch::Tensor keys, values;
  };
  explicit PrependKeyValues(int64_t rows) : rows_(rows) {}
  const char* method_name() const override { return "prepend_kv"; }
  const char* peft_type() const override { return "TEST_PREFIX"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override {
    const auto& c = model.config();
    for (auto& site : model.sites().key_value) {
      layers.push_back(std::make_shared<Rows>(c.num_attention_heads, rows_, c.head_dim()));
      register_module("layer" + std::to_string(site.layer), layers.back());
      site.site->attach(adapter, layers.back());
    }
  }
  methods::NamedTensors own_tensors() const override {
    methods::NamedTensors out;
    for (size_t i = 0; i < layers.size(); ++i) {
      out.emplace_back("prefix." + std::to_string(i) + ".keys", layers[i]->keys);
      out.emplace_back("prefix." + std::to_string(i) + ".values", layers[i]->values);
    }
    return out;
  }
  nlohmann::json config_json() const override { return nlohmann::json::object(); }
  std::vector<std::shared_ptr<Rows>> layers;

 private:
  int64_t rows_;
};

// Adds `weight` (a trainable scalar) to every query projection, plus 1 while training: evaluation that
// ran it in training mode would show. Its extra loss is lambda/2 · weight², and it records the lifecycle.
class ModeProbe : public methods::Method, public nn::LinearDelta {
 public:
  explicit ModeProbe(double lambda = 0) : lambda_(lambda) {
    weight = register_parameter("weight", torch::full({1}, 0.5));
  }
  const char* method_name() const override { return "mode_probe"; }
  const char* peft_type() const override { return "TEST_PROBE"; }
  void attach(models::TaskModelImpl& model, const std::string& adapter) override {
    for (auto& site : model.sites().linear)
      if (site.role == models::SiteRole::Query)
        site.linear->attach(adapter, std::shared_ptr<nn::LinearDelta>(shared_from_this(), this));
  }
  torch::Tensor apply(const torch::Tensor&, const torch::Tensor& output, const nn::ForwardContext& ctx) override {
    return output + weight + (ctx.training ? 1.0 : 0.0);
  }
  methods::NamedTensors own_tensors() const override { return {{"probe.weight", weight}}; }
  nlohmann::json config_json() const override { return nlohmann::json::object(); }
  void begin_step(int64_t step, int64_t total) override {
    calls.push_back("begin " + std::to_string(step) + "/" + std::to_string(total));
  }
  torch::Tensor extra_loss() override {
    calls.push_back("extra");
    return lambda_ == 0 ? torch::Tensor() : 0.5 * lambda_ * weight.pow(2).sum();
  }
  void after_backward(int64_t step) override {
    calls.push_back("after " + std::to_string(step) + (weight.grad().defined() ? " grad" : " none"));
  }
  torch::Tensor weight;
  std::vector<std::string> calls;

 private:
  double lambda_;
};

}  // namespace peft::testing
