// `peft bench --profile` and `--inference`, the profile's attribution of operations to parts (a backward
// operation to the region its forward ran in), and `peft eval` merging a mergeable adapter for speed
// without changing what it scores. Times themselves are measured by scripts/bench-cpu.sh, never here.
#include <gtest/gtest.h>

#include <sstream>

#include "bench/op_profile.h"
#include "cli_support.h"
#include "core/profile_scope.h"
#include "io/atomic_file.h"
#include "test_support.h"

namespace peft::testing {
namespace {

const std::string kModel = fixture("bert_cls/model");

nlohmann::json bench_json(const std::string& options) {
  TempDir dir;
  auto r = peft_cli(dir, "bench --model " + kModel + " --batch-size 4 --seq 16 --steps 2 --threads 1 " + options);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.exit_code == 0 ? nlohmann::json::parse(r.out) : nlohmann::json::object();
}

// Each (part, operation) row of a profile summary, by "part/operation".
std::map<std::string, nlohmann::json> rows_of(const nlohmann::json& summary) {
  std::map<std::string, nlohmann::json> rows;
  for (const auto& op : summary["operations"])
    rows[op["part"].get<std::string>() + "/" + op["operation"].get<std::string>()] = op;
  return rows;
}

TEST(OpProfile, ABackwardOperationGoesToTheRegionItsForwardRanIn) {
  const auto x = torch::randn({8, 4}, torch::requires_grad()), w = torch::randn({4, 3}, torch::requires_grad());
  const bench::OpProfile profile;
  torch::Tensor y;
  {
    PEFT_PROFILE_SCOPE(profile::kAdapter);
    y = torch::mm(x, w);
  }
  y.sum().backward();
  const auto rows = rows_of(profile.summary(1.0, 1.0, 1));
  ASSERT_TRUE(rows.count("adapters/aten::mm")) << profile.summary(1.0, 1.0, 1).dump();
  EXPECT_EQ(rows.at("adapters/aten::mm")["calls_per_step"], 3);  // forward, and both gradients
  EXPECT_FALSE(rows.count("matrix products/aten::mm"));
  EXPECT_TRUE(rows.count("other/aten::sum"));
}

TEST(OpProfile, OperationsOutsideRegionsGoByName) {
  EXPECT_EQ(bench::part_of_operation("aten::addmm"), "matrix products");
  EXPECT_EQ(bench::part_of_operation("aten::native_layer_norm_backward"), "LayerNorm, activations");
  EXPECT_EQ(bench::part_of_operation("aten::_to_copy"), "casts, copies");
  EXPECT_EQ(bench::part_of_operation("aten::embedding"), "other");
}

TEST(CliBench, ProfilesWhereAStepsTimeGoes) {
  const auto j = bench_json("--method lora --profile --precision f32");
  const auto& profile = j["profile"];
  double shares = 0;
  std::set<std::string> parts;
  for (const auto& part : profile["parts"]) {
    shares += part["share"].get<double>();
    parts.insert(part["part"].get<std::string>());
  }
  EXPECT_NEAR(shares, 1.0, 1e-6);
  for (const char* part : {"matrix products", "attention", "adapters", "optimizer", "LayerNorm, activations"})
    EXPECT_TRUE(parts.count(part)) << part;
  EXPECT_GT(profile["unprofiled_ms_per_step"].get<double>(), 0);
  EXPECT_FALSE(profile["operations"].empty());
}

TEST(CliBench, InferenceComparesTheAdapterWithTheBaseUnmergedAndMerged) {
  const auto lora = bench_json("--method lora --inference");
  EXPECT_EQ(lora["mode"], "inference");
  EXPECT_DOUBLE_EQ(lora["base"]["time_vs_base"].get<double>(), 1.0);
  for (const char* variant : {"unmerged", "merged"}) {
    EXPECT_GT(lora[variant]["sequences_per_second"].get<double>(), 0) << variant;
    EXPECT_GT(lora[variant]["tokens_per_second"].get<double>(), 0) << variant;
  }
  const auto houlsby = bench_json("--method houlsby --inference");
  EXPECT_TRUE(houlsby.contains("unmerged"));
  EXPECT_FALSE(houlsby.contains("merged"));  // a bottleneck adapter does not fold into the weights
}

TEST(CliEval, AMergedLoraScoresAndPredictsAsTheUnmergedOne) {
  TempDir dir;
  write_task(dir.path("train.tsv"), 32, 0);
  write_task(dir.path("dev.tsv"), 16, 1);
  ASSERT_EQ(peft_cli(dir, "train --model " + kModel + " --train " + dir.path("train.tsv") +
                              " --method lora --set r=4 --lr 1e-2 --max-steps 6 --batch-size 8 --threads 1 --quiet" +
                              " --out " + dir.path("adapter"))
                .exit_code,
            0);
  auto run = [&](const std::string& flags) {
    const auto r = peft_cli(dir, "predict --model " + kModel + " --adapter " + dir.path("adapter") + " --input " +
                                     dir.path("dev.tsv") + " --precision f32 --out " + dir.path("p.jsonl") + flags);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::vector<double>> logits;
    std::istringstream lines(io::read_file(dir.path("p.jsonl")));
    for (std::string line; std::getline(lines, line);)
      logits.push_back(nlohmann::json::parse(line)["logits"].get<std::vector<double>>());
    return logits;
  };
  const auto merged = run(""), unmerged = run(" --unmerged");
  ASSERT_EQ(merged.size(), 16u);
  ASSERT_EQ(unmerged.size(), merged.size());
  for (size_t i = 0; i < merged.size(); ++i)
    for (size_t k = 0; k < merged[i].size(); ++k) EXPECT_NEAR(merged[i][k], unmerged[i][k], 1e-5);
}

}  // namespace
}  // namespace peft::testing
