// The small items of the foundation's review (issue 22, item 6), each a user-visible behaviour: a
// config's initializer_range and model_type survive, a non-string peft_type and a corrupt trainer state
// are one-line errors, and the adapter records its base by an XXH3 fingerprint.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_support.h"
#include "io/atomic_file.h"
#include "test_support.h"

namespace peft::testing {
namespace {

namespace fs = std::filesystem;

nlohmann::json config_json(const std::string& type) {
  auto j = tiny_config().to_json();
  j["model_type"] = type;
  return j;
}

TEST(ReviewItems, XlmRobertaKeepsItsModelTypeAndInitializerRangeIsRead) {
  auto j = config_json("xlm-roberta");
  j["initializer_range"] = 0.05;
  const auto c = models::ModelConfig::from_json(j, "config.json");
  EXPECT_EQ(c.family, models::Family::Roberta);
  EXPECT_EQ(c.model_type(), "xlm-roberta");
  EXPECT_EQ(c.to_json()["model_type"], "xlm-roberta");  // what `peft merge` writes
  EXPECT_DOUBLE_EQ(c.initializer_range, 0.05);
  EXPECT_EQ(models::ModelConfig::from_json(config_json("bert"), "c").model_type(), "bert");
  j["initializer_range"] = -1;
  EXPECT_TRUE(has(error_of([&] { models::ModelConfig::from_json(j, "config.json"); }), "initializer_range"));
}

TEST(ReviewItems, ANonStringPeftTypeIsAOneLineErrorNamingTheFile) {
  TempDir dir;
  io::write_file_atomic(dir.path("adapter_config.json"), R"({"peft_type": 3})");
  const auto message = error_of([&] { methods::read_adapter_config(dir.path()); });
  EXPECT_TRUE(has(message, "adapter_config.json: 'peft_type' must be a string, got 3")) << message;
}

TEST(ReviewItems, TheAdapterRecordsItsBaseByAnXxh3Fingerprint) {
  auto peft = attach(tiny_model(1), "lora", {{"r", 2}});
  EXPECT_EQ(peft.base_fingerprint().rfind("xxh3:", 0), 0u) << peft.base_fingerprint();
  EXPECT_EQ(peft.base_fingerprint().size(), 5u + 16u);
  EXPECT_EQ(peft.base_fingerprint(), methods::fingerprint(*tiny_model(1)));
  EXPECT_NE(peft.base_fingerprint(), methods::fingerprint(*tiny_model(2)));
}

TEST(ReviewItems, ACorruptTrainerStateOnResumeIsAOneLineError) {
  TempDir dir;
  write_task(dir.path("train.tsv"), 32, 0);
  const auto run = dir.path("run");
  const std::string args = "train --model " + fixture("bert_cls/model") + " --train " + dir.path("train.tsv") +
                           " --method lora --batch-size 8 --threads 1 --quiet --eval-every 2" +
                           " --keep-checkpoints --out " + run;
  ASSERT_EQ(peft_cli(dir, args + " --max-steps 2").exit_code, 0);
  for (const std::string state : {"{\"step\": \"two\"}", "not json", "{\"step\": -3, \"epoch\": 0}"}) {
    io::write_file_atomic(run + "/checkpoint-2/trainer_state.json", state);
    const auto r = peft_cli(dir, args + " --max-steps 4 --resume");
    EXPECT_EQ(r.exit_code, 2) << r.err;
    // The error is the last line, whole (what comes before is the model's loading report).
    const auto body = r.err.substr(0, r.err.find_last_not_of('\n') + 1);
    const auto last = body.substr(body.rfind('\n') + 1);
    EXPECT_TRUE(has(last, "trainer_state.json: not a trainer state")) << r.err;
    EXPECT_FALSE(has(r.err, "internal error")) << r.err;
  }
}

}  // namespace
}  // namespace peft::testing
