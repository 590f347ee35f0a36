// Bad model directories, method names and adapter files: each is one peft::Error naming what is wrong,
// never a crash or a silently wrong model.
#include <gtest/gtest.h>

#include <filesystem>

#include "io/atomic_file.h"
#include "test_support.h"

namespace fs = std::filesystem;

namespace peft::testing {
namespace {

using models::TaskKind;

const models::ModelSpec kClassify{TaskKind::SequenceClassification, 3, 0};

// A valid tiny model directory (config.json + model.safetensors) at `dir`.
std::string saved_tiny_model(const TempDir& tmp) {
  auto model = tiny_model(1);
  models::save_task_model(tmp.path("model"), model);
  return tmp.path("model");
}

// The error of loading a saved tiny model after `edit` changed its tensors.
template <class Edit>
std::string load_error_after_editing(Edit edit) {
  TempDir tmp;
  const auto dir = saved_tiny_model(tmp);
  auto tensors = models::read_tensors(dir + "/model.safetensors");
  edit(tensors);
  models::write_tensors(dir + "/model.safetensors", tensors);
  return error_of([&] { models::load_task_model(dir, kClassify); });
}

TEST(BadModel, SavedTinyModelLoadsBack) {  // the baseline the other cases break
  TempDir tmp;
  const auto dir = saved_tiny_model(tmp);
  auto loaded = models::load_task_model(dir, kClassify);
  auto original = tiny_model(1);
  loaded->eval();
  original->eval();
  const auto batch = random_batch(3);
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::equal(loaded->forward(batch.inputs), original->forward(batch.inputs)));
}

TEST(BadModel, DirectoryWithoutConfigJson) {
  TempDir tmp;
  const auto dir = saved_tiny_model(tmp);
  fs::remove(dir + "/config.json");
  auto message = error_of([&] { models::load_task_model(dir, kClassify); });
  EXPECT_TRUE(has(message, "config.json")) << message;
  message = error_of([&] { models::load_task_model(tmp.path("nonexistent"), kClassify); });
  EXPECT_TRUE(has(message, "config.json")) << message;
}

TEST(BadModel, UnsupportedModelType) {
  TempDir tmp;
  const auto dir = saved_tiny_model(tmp);
  io::write_file_atomic(dir + "/config.json", R"({"model_type": "gpt2", "hidden_size": 16})");
  auto message = error_of([&] { models::load_task_model(dir, kClassify); });
  EXPECT_TRUE(has(message, "gpt2")) << message;
  io::write_file_atomic(dir + "/config.json", "{\"model_type\": \"bert\", ");
  message = error_of([&] { models::load_task_model(dir, kClassify); });
  EXPECT_TRUE(has(message, "config.json")) << message;
}

TEST(BadModel, TensorWithTheWrongShapeIsNamed) {
  const std::string name = "bert.encoder.layer.1.attention.self.key.weight";
  const auto message = load_error_after_editing([&](models::TensorMap& tensors) {
    EXPECT_EQ(tensors.count(name), 1u);
    tensors[name] = torch::zeros({16, 8});
  });
  EXPECT_TRUE(has(message, name)) << message;
  EXPECT_TRUE(has(message, "shape")) << message;
}

TEST(BadModel, MissingBackboneTensorIsNamed) {
  const std::string name = "bert.encoder.layer.0.output.dense.bias";
  const auto message =
      load_error_after_editing([&](models::TensorMap& tensors) { EXPECT_EQ(tensors.erase(name), 1u); });
  EXPECT_TRUE(has(message, name)) << message;
}

TEST(BadMethod, UnknownMethodNameListsTheKnownOnes) {
  auto message = error_of([] { methods::create_method("lorra", nlohmann::json::object()); });
  EXPECT_TRUE(has(message, "lorra")) << message;
  EXPECT_TRUE(has(message, "lora")) << message;
  message = error_of([] { methods::create_method("houlsby", {{"non_linearity", "softplus"}}); });
  EXPECT_TRUE(has(message, "softplus")) << message;
  message = error_of([] { methods::create_method("pfeiffer", {{"init_weights", "xavier"}}); });
  EXPECT_TRUE(has(message, "xavier") && has(message, "mam_adapter")) << message;
  message = error_of([] { methods::create_method("lora", {{"bias", "some"}}); });
  EXPECT_TRUE(has(message, "bias 'some'") && has(message, "lora_only")) << message;
  message = error_of([] { methods::create_method("bitfit", {{"r", 8}}); });
  EXPECT_TRUE(has(message, "'r'")) << message;
}

class BadAdapter : public ::testing::Test {
 protected:
  void SetUp() override {
    auto peft = attach(tiny_model(1), "lora", nlohmann::json::object());
    peft.save_adapter(dir(), {});
  }
  std::string dir() const { return tmp_.path("adapter"); }
  std::string weights() const { return dir() + "/adapter_model.safetensors"; }
  std::string load_error() const {
    return error_of([&] { methods::PeftModel::load_adapter(tiny_model(1), dir()); });
  }
  TempDir tmp_;
};

TEST_F(BadAdapter, IntactAdapterLoads) { EXPECT_EQ(load_error(), "<no error>"); }

TEST_F(BadAdapter, TruncatedWeightsAreAnErrorNotACrash) {
  const auto bytes = io::read_file(weights());
  // Inside the length prefix, inside the JSON header, and inside the data section.
  for (size_t keep : {size_t(0), size_t(5), size_t(8 + 20), bytes.size() / 2, bytes.size() - 1}) {
    io::write_file_atomic(weights(), bytes.substr(0, keep));
    auto message = load_error();
    EXPECT_NE(message, "<no error>") << "kept " << keep << " of " << bytes.size() << " bytes";
    EXPECT_TRUE(has(message, "adapter_model.safetensors")) << message;
  }
}

TEST_F(BadAdapter, MissingOrMisshapenTensorIsNamed) {
  auto tensors = models::read_tensors(weights());
  const std::string name = "base_model.model.bert.encoder.layer.1.attention.self.value.lora_B.weight";
  ASSERT_EQ(tensors.count(name), 1u);
  tensors[name] = torch::zeros({16, 3});
  models::write_tensors(weights(), tensors);
  auto message = load_error();
  EXPECT_TRUE(has(message, name)) << message;
  tensors.erase(name);
  models::write_tensors(weights(), tensors);
  message = load_error();
  EXPECT_TRUE(has(message, name)) << message;
}

TEST_F(BadAdapter, MissingOrUnknownConfig) {
  fs::remove(dir() + "/adapter_config.json");
  EXPECT_TRUE(has(load_error(), "adapter_config.json"));
  io::write_file_atomic(dir() + "/adapter_config.json", R"({"peft_type": "VERA"})");
  EXPECT_TRUE(has(load_error(), "VERA"));
}

}  // namespace
}  // namespace peft::testing
