// What a new user's trial of peft found (issue 21), one test per finding: checkpoints that are whole or
// absent, outputs that never overwrite inputs, clear errors for bad values, and runs that record what
// they did.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "cli_support.h"
#include "io/file_hash.h"
#include "test_support.h"

namespace peft::testing {
namespace {

namespace fs = std::filesystem;

const std::string kModel = fixture("bert_cls/model");

std::string train_args(const TempDir& dir, const std::string& out, const std::string& extra = "") {
  return "train --model " + kModel + " --train " + dir.path("train.tsv") + " --dev " + dir.path("dev.tsv") +
         " --method lora --set r=4 --lr 1e-2 --batch-size 8 --threads 1 --quiet " + extra + " --out " + out;
}

class UserTrial : public ::testing::Test {
 protected:
  void SetUp() override {
    write_task(dir.path("train.tsv"), 64, 0);
    write_task(dir.path("dev.tsv"), 16, 1);
  }
  nlohmann::json json_of(const std::string& path) { return nlohmann::json::parse(io::read_file(path)); }
  std::vector<nlohmann::json> log_of(const std::string& run) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(io::read_file(run + "/log.jsonl"));
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
  }
  TempDir dir;
};

// Starts `peft ARGS` and SIGKILLs it after `delay`, wherever it is (it may already have finished).
void kill_after(const std::string& args, std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", ("exec " + std::string(PEFT_BINARY) + " " + args + " >/dev/null 2>&1").c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
}

// 1 and 11: killed at any moment, a run resumes from its newest complete checkpoint to the same adapter,
// with one log line per step and totals over the whole run.
TEST_F(UserTrial, KilledRunResumesToTheSameAdapterWithOneLogLinePerStep) {
  const std::string common = "--max-steps 16 --eval-every 4 --log-every 1";
  const auto start = std::chrono::steady_clock::now();
  auto straight = peft_cli(dir, train_args(dir, dir.path("straight"), common));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(straight.exit_code, 0) << straight.err;
  const auto expected = json_of(dir.path("straight/metrics.json"));
  for (int percent : {55, 70, 85, 95}) {  // of the straight run's time: while loading, training, checkpointing
    const auto run = dir.path("killed" + std::to_string(percent));
    const auto delay_ms = std::chrono::duration_cast<std::chrono::milliseconds>(took * percent / 100);
    kill_after(train_args(dir, run, common), delay_ms);
    const auto delay = percent;
    auto resumed = peft_cli(dir, train_args(dir, run, common + " --resume-or-start"));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
    const auto metrics = json_of(run + "/metrics.json");
    EXPECT_EQ(metrics["dev"], expected["dev"]) << delay;
    EXPECT_NEAR(metrics["train_loss"].get<double>(), expected["train_loss"].get<double>(), 1e-9) << delay;
    EXPECT_EQ(io::file_fingerprint(run + "/adapter_model.safetensors"),
              io::file_fingerprint(dir.path("straight/adapter_model.safetensors")));
    std::vector<int64_t> steps;
    for (const auto& line : log_of(run))
      if (line.contains("loss")) steps.push_back(line["step"]);
    ASSERT_EQ(steps.size(), 16u) << delay;
    for (size_t i = 0; i < steps.size(); ++i) EXPECT_EQ(steps[i], int64_t(i) + 1);
  }
}

TEST_F(UserTrial, HalfWrittenCheckpointIsRemovedAndTheNewestCompleteOneResumed) {
  const auto run = dir.path("run");
  ASSERT_EQ(peft_cli(dir, train_args(dir, run, "--max-steps 8 --eval-every 4 --keep-checkpoints")).exit_code, 0);
  EXPECT_TRUE(fs::exists(run + "/checkpoint-8/trainer_state.json"));
  EXPECT_FALSE(fs::exists(run + "/checkpoint-4"));  // older ones are dropped
  fs::create_directories(run + "/checkpoint-12.tmp");
  io::write_file_atomic(run + "/checkpoint-12.tmp/trainer_state.json", "{\"step\": 12");
  auto r = peft_cli(dir, train_args(dir, run, "--max-steps 12 --eval-every 4 --resume"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(run + "/checkpoint-12.tmp"));
  EXPECT_NE(r.err.find("removed " + run + "/checkpoint-12.tmp"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("resuming at step 8 from " + run + "/checkpoint-8"), std::string::npos) << r.err;
  EXPECT_EQ(json_of(run + "/metrics.json")["steps"], 12);
}

// 4: a finished run leaves no checkpoint behind unless asked to.
TEST_F(UserTrial, FinishedRunRemovesItsCheckpoint) {
  ASSERT_EQ(peft_cli(dir, train_args(dir, dir.path("run"), "--max-steps 4")).exit_code, 0);
  for (const auto& entry : fs::directory_iterator(dir.path("run")))
    EXPECT_EQ(entry.path().filename().string().rfind("checkpoint", 0), std::string::npos) << entry.path();
}

// 3: --resume with nothing to resume is an error naming the folder.
TEST_F(UserTrial, ResumeWithoutACheckpointIsRefused) {
  auto r = peft_cli(dir, train_args(dir, dir.path("fresh"), "--max-steps 2 --resume"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir.path("fresh") + ": no complete checkpoint"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir.path("fresh/adapter_model.safetensors")));
  EXPECT_EQ(peft_cli(dir, train_args(dir, dir.path("fresh"), "--max-steps 2 --resume-or-start")).exit_code, 0);
}

// 2: no output may be, contain or lie inside an input; the base stays as it was.
TEST_F(UserTrial, OutputsThatWouldOverwriteAnInputAreRefused) {
  fs::copy(kModel, dir.path("base"), fs::copy_options::recursive);
  const auto before = io::file_fingerprint(dir.path("base/model.safetensors"));
  ASSERT_EQ(peft_cli(dir, train_args(dir, dir.path("adapter"), "--max-steps 2")).exit_code, 0);
  const std::string merge = "merge --model " + dir.path("base") + " --adapter " + dir.path("adapter") + " --out ";
  for (const auto& out : {dir.path("base"), dir.path("base/merged"), dir.path("adapter"), dir.path()}) {
    auto r = peft_cli(dir, merge + out);
    EXPECT_EQ(r.exit_code, 2) << out;
    EXPECT_NE(r.err.find("could overwrite an input"), std::string::npos) << r.err;
  }
  EXPECT_EQ(io::file_fingerprint(dir.path("base/model.safetensors")), before);
  EXPECT_EQ(peft_cli(dir, train_args(dir, kModel, "--max-steps 1")).exit_code, 2);
  EXPECT_EQ(peft_cli(dir, "vocab --corpus " + dir.path("train.tsv") + " --size 100 --out " + dir.path()).exit_code, 2);
  EXPECT_EQ(peft_cli(dir, "pretrain --corpus " + dir.path("train.tsv") + " --vocab " + kModel + " --out " + kModel)
                .exit_code, 2);
  EXPECT_EQ(peft_cli(dir, "predict --model " + kModel + " --adapter " + dir.path("adapter") + " --input " +
                              dir.path("train.tsv") + " --out " + dir.path("train.tsv")).exit_code, 2);
}

// 6: every numeric option is checked, with its allowed range.
TEST_F(UserTrial, OutOfRangeValuesAreRefusedWithTheirRange) {
  for (const auto& [extra, says] : std::vector<std::pair<std::string, std::string>>{
           {"--epochs 0", "--epochs"}, {"--batch-size 0", "--batch-size"}, {"--lr -1", "--lr"},
           {"--warmup-ratio -0.5", "--warmup-ratio"}, {"--weight-decay -1", "--weight-decay"},
           {"--max-length 0", "--max-length"}, {"--set r=2.5", "'r' must be a whole number"},
           {"--set lora_alpha=0", "lora_alpha must be positive"}, {"--set lora_alpha=true", "must be a number"}}) {
    auto r = peft_cli(dir, train_args(dir, dir.path("out"), extra));
    EXPECT_EQ(r.exit_code, 2) << extra;
    EXPECT_NE(r.err.find(says), std::string::npos) << extra << ": " << r.err;
  }
  auto houlsby = peft_cli(dir, "train --model " + kModel + " --train " + dir.path("train.tsv") +
                                   " --method houlsby --set bottleneck=0 --out " + dir.path("out"));
  EXPECT_EQ(houlsby.exit_code, 2);
  EXPECT_NE(houlsby.err.find("bottleneck must be positive"), std::string::npos) << houlsby.err;
}

// 7: a tokenizer that could produce ids the embedding lacks is refused at load.
TEST_F(UserTrial, TokenizerLargerThanTheVocabularyIsRefusedAtLoad) {
  fs::copy(kModel, dir.path("base"), fs::copy_options::recursive);
  auto config = json_of(dir.path("base/config.json"));
  config["vocab_size"] = config["vocab_size"].get<int>() - 10;
  io::write_file_atomic(dir.path("base/config.json"), config.dump());
  auto r = peft_cli(dir, "eval --model " + dir.path("base") + " --data " + dir.path("dev.tsv"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("vocab_size"), std::string::npos) << r.err;
}

// 8: info describes a base that has no task head.
TEST_F(UserTrial, InfoDescribesTheShippedBaseWithoutAnAdapter) {
  auto r = peft_cli(dir, "info --model " + std::string(PEFT_SOURCE_DIR) + "/models/bert-en-small");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto info = nlohmann::json::parse(r.out);
  EXPECT_EQ(info["head"], "mlm");
  EXPECT_EQ(info["sites"]["linear"], 24);  // 6 projections x 4 layers; no pooler in an MLM checkpoint
  EXPECT_EQ(info["tokenizer"]["vocab_size"], 8192);
  EXPECT_GT(info["parameters"].get<int64_t>(), 5000000);
}

// 5 and 9: user mistakes are errors of their own (status 2, one line), never "internal error".
TEST_F(UserTrial, UserMistakesAreOneLineErrorsNotInternalErrors) {
  io::write_file_atomic(dir.path("bad.tsv"), "sentence\tlabel\nfine text\ttech\nbad \xff byte\tanimal\n");
  io::write_file_atomic(dir.path("file"), "x");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"predict --model " + kModel + " --input " + dir.path("bad.tsv") + " --out " + dir.path("p.jsonl"),
       "bad.tsv:3: invalid UTF-8"},
      {train_args(dir, dir.path("file") + "/sub", "--max-steps 1"), "file"},
      {"train --model " + kModel + " --bogus", "see `peft train --help`"},
      {"train --model " + kModel + " --epochs many --train x --out y", "--epochs"}};
  for (const auto& [args, says] : cases) {
    auto r = peft_cli(dir, args);
    EXPECT_EQ(r.exit_code, 2) << args;
    EXPECT_NE(r.err.find(says), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("peft: error: "), r.err.rfind('\n', r.err.size() - 2) + 1) << "not one last line: " << r.err;
  }
}

// 12 and 13: run.json records the settings; log.jsonl the loss, learning rate and gradient norm.
TEST_F(UserTrial, RunRecordsItsSettingsAndLogsLossLearningRateAndGradientNorm) {
  const auto run = dir.path("run");
  auto r = peft_cli(dir, train_args(dir, run, "--max-steps 6 --eval-every 3 --log-every 2 --seed 7"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto record = json_of(run + "/run.json");
  EXPECT_EQ(record["settings"]["lr"], 1e-2);
  EXPECT_EQ(record["settings"]["batch_size"], 8);
  EXPECT_EQ(record["settings"]["warmup_ratio"], 0.06);  // defaults recorded too
  EXPECT_EQ(record["seed"], 7);
  EXPECT_EQ(record["method"]["config"]["r"], 4);
  EXPECT_EQ(record["model"]["fingerprint"], json_of(run + "/adapter_config.json")["peft_cpp"]["base_fingerprint"]);
  EXPECT_EQ(record["data"]["train"]["fingerprint"], io::file_fingerprint(dir.path("train.tsv")));
  EXPECT_FALSE(record["libtorch"].get<std::string>().empty());
  EXPECT_NE(std::find(record["command"].begin(), record["command"].end(), "--seed"), record["command"].end());
  int loss_lines = 0;
  for (const auto& line : log_of(run))
    if (line.contains("loss")) {
      ++loss_lines;
      EXPECT_TRUE(line.contains("learning_rate") && line.contains("grad_norm")) << line;
    }
  EXPECT_EQ(loss_lines, 3);
}

TEST_F(UserTrial, EarlyStopSaysWhyAndWhen) {
  auto r = peft_cli(dir, "train --model " + kModel + " --train " + dir.path("train.tsv") + " --dev " +
                             dir.path("dev.tsv") + " --method lora --lr 1e-9 --batch-size 8 --threads 1" +
                             " --max-steps 20 --eval-every 2 --patience 1 --out " + dir.path("run"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("early stop at step 4: dev accuracy has not improved for 1 evaluations"), std::string::npos)
      << r.err;
  EXPECT_EQ(json_of(dir.path("run/metrics.json"))["stop_reason"], "early_stop");
}

// 14: adapter_config.json has HF PEFT's fields with HF's values for the same LoRA.
TEST_F(UserTrial, LoraAdapterConfigMatchesHfPeftFieldByField) {
  auto r = peft_cli(dir, train_args(dir, dir.path("run"), "--max-steps 1 --set lora_alpha=8"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto ours = json_of(dir.path("run/adapter_config.json"));
  const auto hf = json_of(fixture("bert_cls_lora/adapter/adapter_config.json"));
  for (const char* key : {"peft_type", "task_type", "r", "lora_alpha", "target_modules", "bias", "use_rslora",
                          "use_dora", "fan_in_fan_out", "lora_dropout", "rank_pattern", "alpha_pattern",
                          "inference_mode"})
    EXPECT_EQ(ours.at(key), hf.at(key)) << key;
  for (auto& [key, value] : ours.items())
    if (hf.contains(key) && !hf[key].is_null() && !value.is_null())
      EXPECT_EQ(value.type_name(), std::string(hf[key].type_name())) << key;
  EXPECT_EQ(ours["modules_to_save"][0], "classifier");
  EXPECT_EQ(ours["base_model_name_or_path"], kModel);
}

// 15: --version, predict making its folder, the model's own length limit, the merged dtype.
TEST_F(UserTrial, SmallThingsAUserExpects) {
  auto version = peft_cli(dir, "--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.out.rfind("peft ", 0), 0u) << version.out;
  auto trained = peft_cli(dir, train_args(dir, dir.path("adapter"), "--max-steps 1"));
  ASSERT_EQ(trained.exit_code, 0);
  EXPECT_EQ(trained.err.find("exceeds"), std::string::npos) << trained.err;  // no warning without --max-length
  auto p = peft_cli(dir, "predict --model " + kModel + " --adapter " + dir.path("adapter") + " --input " +
                             dir.path("dev.tsv") + " --out " + dir.path("new/folder/p.jsonl"));
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(fs::exists(dir.path("new/folder/p.jsonl")));
  ASSERT_EQ(peft_cli(dir, "merge --model " + kModel + " --adapter " + dir.path("adapter") + " --out " +
                              dir.path("merged")).exit_code, 0);
  EXPECT_EQ(json_of(dir.path("merged/config.json"))["torch_dtype"], "float32");
  auto help = peft_cli(dir, "train --help");
  std::istringstream lines(help.out);
  std::vector<std::string> all;
  for (std::string line; std::getline(lines, line);) all.push_back(line);
  for (size_t i = 0; i < all.size(); ++i) {  // help text beside the option, or wrapped to the next line
    if (all[i].rfind("  --", 0) != 0 || all[i].size() > 32) continue;
    EXPECT_TRUE(i + 1 < all.size() && all[i + 1].rfind(std::string(20, ' '), 0) == 0) << "no help: " << all[i];
  }
}

}  // namespace
}  // namespace peft::testing
