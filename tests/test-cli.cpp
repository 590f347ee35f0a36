// End-to-end tests of the `peft` command: a tiny training run that learns, eval/predict/merge agreeing with
// it, resume, and each bad input giving one error line and a non-zero exit code.
#include <sched.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "io/atomic_file.h"
#include "plot/scatter.h"
#include "cli_support.h"
#include "test_support.h"

namespace peft::testing {
namespace {

const std::string kModel = fixture("bert_cls/model");

class CliTraining : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    write_task(dir_->path("train.tsv"), 64, 0);
    write_task(dir_->path("dev.tsv"), 16, 1);
    run_ = new CliRun(peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") + " --dev " +
                                       dir_->path("dev.tsv") + " --method lora --set r=4 --lr 1e-2 --epochs 6" +
                                       " --batch-size 8 --threads 1 --quiet --keep-checkpoints --out " +
                                       dir_->path("adapter")));
  }
  static void TearDownTestSuite() {
    delete run_;
    delete dir_;
  }
  static nlohmann::json metrics() { return nlohmann::json::parse(io::read_file(dir_->path("adapter/metrics.json"))); }
  static TempDir* dir_;
  static CliRun* run_;
};
TempDir* CliTraining::dir_ = nullptr;
CliRun* CliTraining::run_ = nullptr;

TEST_F(CliTraining, LearnsBeyondMajorityClass) {
  ASSERT_EQ(run_->exit_code, 0) << run_->err;
  auto m = metrics();
  EXPECT_GT(m["dev"]["accuracy"].get<double>(), 0.9);  // balanced classes: the majority baseline is 0.5
  EXPECT_LT(m["trainable_share"].get<double>(), 0.1);
  EXPECT_TRUE(std::filesystem::exists(dir_->path("adapter/log.jsonl")));
}

TEST_F(CliTraining, EvalReproducesTheKeptAdaptersDevScore) {
  auto r = peft_cli(*dir_, "eval --model " + kModel + " --adapter " + dir_->path("adapter") + " --data " +
                               dir_->path("dev.tsv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["accuracy"].get<double>(), metrics()["dev"]["accuracy"].get<double>(), 1e-9);
}

TEST_F(CliTraining, PredictWritesOneLinePerExample) {
  auto r = peft_cli(*dir_, "predict --model " + kModel + " --adapter " + dir_->path("adapter") + " --input " +
                               dir_->path("dev.tsv") + " --output " + dir_->path("pred.jsonl"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(dir_->path("pred.jsonl"));
  int lines = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["logits"].size(), 2u);
    EXPECT_TRUE(j["label"] == "animal" || j["label"] == "tech");
    EXPECT_FALSE(j["input_ids"].empty());
  }
  EXPECT_EQ(lines, 16);
}

TEST_F(CliTraining, MergedModelScoresTheSame) {
  auto merge = peft_cli(*dir_, "merge --model " + kModel + " --adapter " + dir_->path("adapter") + " --out " +
                                   dir_->path("merged"));
  ASSERT_EQ(merge.exit_code, 0) << merge.err;
  auto r = peft_cli(*dir_, "eval --model " + dir_->path("merged") + " --data " + dir_->path("dev.tsv"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NEAR(nlohmann::json::parse(r.out)["accuracy"].get<double>(), metrics()["dev"]["accuracy"].get<double>(), 1e-9);
}

TEST_F(CliTraining, AdapterRefusesAnotherBase) {
  auto r = peft_cli(*dir_, "eval --model " + fixture("bert_tok/model") + " --adapter " + dir_->path("adapter") +
                               " --data " + dir_->path("dev.tsv"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("another base model"), std::string::npos) << r.err;
}

TEST_F(CliTraining, UnionTakesEachMembersOptionsAndItsAdapterEvaluates) {
  auto r = peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") + " --dev " +
                               dir_->path("dev.tsv") + " --method houlsby+lora --set houlsby.bottleneck=2" +
                               " --set lora.r=3 --set lora.target_modules=word_embeddings,value --max-steps 4" +
                               " --batch-size 8 --threads 1 --quiet --out " + dir_->path("union"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto config = nlohmann::json::parse(io::read_file(dir_->path("union/adapter_config.json")));
  EXPECT_EQ(config["peft_type"], "UNION");
  EXPECT_EQ(config["houlsby"]["bottleneck"], 2);
  EXPECT_EQ(config["lora"]["r"], 3);
  auto eval = peft_cli(*dir_, "eval --model " + kModel + " --adapter " + dir_->path("union") + " --data " +
                                  dir_->path("dev.tsv"));
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  const auto trained = nlohmann::json::parse(io::read_file(dir_->path("union/metrics.json")));
  EXPECT_NEAR(nlohmann::json::parse(eval.out)["accuracy"].get<double>(), trained["dev"]["accuracy"].get<double>(),
              1e-9);
}

TEST_F(CliTraining, ResumeContinuesFromTheCheckpoint) {
  // A copy, so the other tests see the first run's files whatever order they run in.
  std::filesystem::copy(dir_->path("adapter"), dir_->path("resumed"), std::filesystem::copy_options::recursive);
  auto r = peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") +
                               " --method lora --set r=4 --lr 1e-2 --epochs 8 --batch-size 8 --threads 1 --resume --out " +
                               dir_->path("resumed"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("resuming at step 48"), std::string::npos) << r.err;  // 6 epochs x 8 steps done before
  EXPECT_EQ(nlohmann::json::parse(r.out)["steps"].get<int>(), 64);
}

TEST_F(CliTraining, ReportTablesAndPlotsTheRun) {
  if (!plot::png_plots_available()) GTEST_SKIP() << "built without Cairo";
  auto r = peft_cli(*dir_, "report " + dir_->path("adapter") + " --plot " + dir_->path("figure.png") + " --out " +
                               dir_->path("table.md"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| adapter | lora |"), std::string::npos) << r.out;
  EXPECT_EQ(io::read_file(dir_->path("table.md")), r.out);
  EXPECT_TRUE(std::filesystem::exists(dir_->path("figure.png")));
}

TEST_F(CliTraining, RandomInitIsRecordedAsTheNoPretrainingBaseline) {
  auto r = peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") + " --dev " +
                               dir_->path("dev.tsv") + " --method full --max-steps 2 --threads 1 --quiet" +
                               " --random-init --out " + dir_->path("scratch"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(nlohmann::json::parse(r.out)["random_init"].get<bool>());
  EXPECT_EQ(metrics()["metric"], "accuracy");
  EXPECT_FALSE(metrics()["random_init"].get<bool>());
}

TEST_F(CliTraining, Bf16MixedPrecisionTrainsAndIsRecorded) {
  auto r = peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") + " --dev " +
                               dir_->path("dev.tsv") + " --method lora --max-steps 2 --threads 1 --quiet" +
                               " --precision bf16 --out " + dir_->path("bf16"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["precision"], "bf16");
  // The suite's adapter trained with the default, "auto": recorded as what it chose, and why.
  const auto settings = nlohmann::json::parse(io::read_file(dir_->path("adapter/run.json")));
  EXPECT_EQ(metrics()["precision"], settings["settings"]["precision"]);
  EXPECT_EQ(settings["precision_choice"].get<std::string>().rfind("auto: ", 0), 0u) << settings["precision_choice"];
  EXPECT_NE(peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") +
                                " --method lora --precision f16 --out " + dir_->path("f16"))
                .err.find("--precision"),
            std::string::npos);
}

TEST_F(CliTraining, TrainsOnCudaAndItsAdapterScoresTheSameOnTheCpu) {
  PEFT_SKIP_WITHOUT_CUDA();
  auto r = peft_cli(*dir_, "train --model " + kModel + " --train " + dir_->path("train.tsv") + " --dev " +
                               dir_->path("dev.tsv") + " --method lora --set r=4 --lr 1e-2 --epochs 6 --batch-size 8" +
                               " --device cuda --precision f32 --quiet --out " + dir_->path("cuda"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto dev_accuracy = nlohmann::json::parse(r.out)["dev"]["accuracy"].get<double>();
  EXPECT_GT(dev_accuracy, 0.9);
  auto eval = peft_cli(*dir_, "eval --model " + kModel + " --adapter " + dir_->path("cuda") + " --data " +
                                  dir_->path("dev.tsv") + " --device cpu");
  ASSERT_EQ(eval.exit_code, 0) << eval.err;
  EXPECT_NEAR(nlohmann::json::parse(eval.out)["accuracy"].get<double>(), dev_accuracy, 1e-9);
}

// One JSON line: throughput, and peak memory of the host and, on a GPU, of the device.
nlohmann::json bench(const std::string& device, const std::string& env = "") {
  TempDir dir;
  auto r = peft_cli(dir, "bench --model " + kModel + " --method lora --batch-size 4 --seq 16 --steps 2 --threads 1" +
                             " --device " + device, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["device"], device);
  EXPECT_GT(j["tokens_per_second"].get<double>(), 0);
  EXPECT_GT(j["peak_rss_bytes"].get<int64_t>(), 0);
  return j;
}

TEST(CliBench, MeasuresATrainingStepOnTheCpu) {
  const auto j = bench("cpu");
  EXPECT_FALSE(j.contains("peak_device_bytes"));
  EXPECT_FALSE(j["cpu_runtime"].get<std::string>().empty());
}

TEST(CliBench, MeasuresATrainingStepAndDeviceMemoryOnCuda) {
  PEFT_SKIP_WITHOUT_CUDA();
  EXPECT_GT(bench("cuda")["peak_device_bytes"].get<int64_t>(), 0);
}

// The kernels OpenBLAS multiplies with in a `peft` process (OPENBLAS_VERBOSE names them as it loads, again
// after a re-run); empty under another BLAS.
std::string openblas_core(const std::string& env = "") {
  TempDir dir;
  const auto r = peft_cli(dir, "--help", "OPENBLAS_VERBOSE=2 " + env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto at = r.err.rfind("Core: ");
  return at == std::string::npos ? "" : r.err.substr(at + 6, r.err.find('\n', at) - at - 6);
}

TEST(CliBlas, OpenBlasUsesTheCpusVectorUnits) {
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "a CPU without AVX2";
  const auto core = openblas_core();
  if (core.empty()) GTEST_SKIP() << "LibTorch does not use OpenBLAS here";
  for (const char* generic : {"Prescott", "Nehalem", "Core2"}) EXPECT_NE(core, generic);
}

TEST(CliBlas, KeepsTheUsersOpenBlasCoreType) {
  if (!__builtin_cpu_supports("avx2")) GTEST_SKIP() << "a CPU without AVX2";
  const auto core = openblas_core("OPENBLAS_CORETYPE=Haswell");
  if (core.empty()) GTEST_SKIP() << "LibTorch does not use OpenBLAS here";
  EXPECT_EQ(core, "Haswell");
}

// Beside OpenBLAS's own threads, on more than one CPU, OpenMP's workers spin only briefly; a user's setting stays.
TEST(CliBlas, OpenMpWorkersLeaveTheCoresToOpenBlasThreads) {
  const auto runtime = bench("cpu")["cpu_runtime"].get<std::string>();
  if (runtime.find("(pthreads)") == std::string::npos) GTEST_SKIP() << "no OpenBLAS pthreads here: " << runtime;
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (sched_getaffinity(0, sizeof cpus, &cpus) != 0 || CPU_COUNT(&cpus) < 2) GTEST_SKIP() << "one CPU";
  EXPECT_NE(runtime.find("GOMP_SPINCOUNT=10000"), std::string::npos) << runtime;
  const auto users = bench("cpu", "GOMP_SPINCOUNT=300")["cpu_runtime"].get<std::string>();
  EXPECT_NE(users.find("GOMP_SPINCOUNT=300"), std::string::npos) << users;
}

TEST(CliPretrain, ContinuesPretrainingAnHfModel) {
  TempDir dir;
  std::string corpus;
  for (int i = 0; i < 40; ++i) corpus += "the quick brown fox jumps over the lazy dog number " + std::to_string(i) + "\n";
  io::write_file_atomic(dir.path("corpus.txt"), corpus);
  const auto base = fixture("bert_mlm/model");
  auto r = peft_cli(dir, "pretrain --init " + base + " --corpus " + dir.path("corpus.txt") +
                             " --steps 3 --batch-size 4 --max-length 32 --threads 1 --quiet --out " + dir.path("out"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["steps"], 3);
  const auto config = nlohmann::json::parse(io::read_file(dir.path("out/config.json")));
  EXPECT_EQ(config["vocab_size"], nlohmann::json::parse(io::read_file(base + "/config.json"))["vocab_size"]);
  EXPECT_EQ(io::read_file(dir.path("out/vocab.txt")), io::read_file(base + "/vocab.txt"));

  auto shaped = peft_cli(dir, "pretrain --init " + base + " --hidden 64 --corpus " + dir.path("corpus.txt") +
                                  " --out " + dir.path("shaped"));
  EXPECT_NE(shaped.exit_code, 0);
  EXPECT_NE(shaped.err.find("excludes"), std::string::npos) << shaped.err;
}

struct BadInput {
  std::string args, message;
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, FailsWithOneClearLine) {
  TempDir dir;
  write_task(dir.path("train.tsv"), 8, 0);
  io::write_file_atomic(dir.path("broken.jsonl"), "{\"sentence\": \"a\", \"label\": 1}\n{\"sentence\": \n");
  std::string args = GetParam().args;
  for (std::string key : {"$TRAIN", "$DIR"}) {
    const auto value = key == "$TRAIN" ? dir.path("train.tsv") : dir.path();
    for (auto pos = args.find(key); pos != std::string::npos; pos = args.find(key)) args.replace(pos, key.size(), value);
  }
  auto r = peft_cli(dir, args);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("peft: error: "), r.err.rfind('\n', r.err.size() - 2) + 1) << "not one last line: " << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.path("out/adapter_model.safetensors")));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CliBadInput,
    ::testing::Values(
        BadInput{"train --model " + kModel + " --train $TRAIN --method lorra --out $DIR/out", "unknown method 'lorra'"},
        BadInput{"train --model " + kModel + " --train $TRAIN --method lora --set rank=4 --out $DIR/out",
                 "unknown or unsupported option 'rank'"},
        BadInput{"train --model " + kModel + " --train $TRAIN --method lora --set target_modules=qurey --out $DIR/out",
                 "'qurey' matched no module"},
        BadInput{"train --model " + kModel + " --train $TRAIN --method houlsby+lora --set lora.rank=2 --out $DIR/out",
                 "lora: unknown or unsupported option 'rank'"},
        BadInput{"train --model " + kModel + " --train $DIR/missing.tsv --out $DIR/out", "missing.tsv"},
        BadInput{"train --model " + kModel + " --train $DIR/broken.jsonl --out $DIR/out", "broken.jsonl:2"},
        BadInput{"train --model $DIR --train $TRAIN --out $DIR/out", "config.json"},
        BadInput{"eval --model " + kModel + " --adapter $DIR --data $TRAIN", "adapter_config.json"}));

}  // namespace
}  // namespace peft::testing
