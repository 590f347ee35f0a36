// `peft train`: fine-tune one method on a task file and save only the task part (adapter + head), with
// dev/test metrics in metrics.json.
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output_guard.h"
#include "cli/run_record.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "methods/registry.h"
#include "models/checkpoint.h"
#include "train/evaluate.h"
#include "train/cloze_encoding.h"
#include "train/precision.h"
#include "train/trainer.h"

namespace fs = std::filesystem;

namespace peft::cli {
namespace {

struct TrainArgs {
  std::string model, train_file, dev_file, test_file, method = "lora", out, task = "auto";
  std::vector<std::string> sets;
  int64_t max_length = 0;  // 0: the model's own limit
  train::TrainOptions options;
  bool lr_given = false;
  bool random_init = false;
  DeviceOptions device;
  ColumnOptions columns;
  train::PrecisionChoice precision;  // --precision resolved
};

// run.json: everything needed to repeat the run and to tell runs apart.
nlohmann::json run_settings(const TrainArgs& a, const methods::PeftModel& peft, const methods::TaskInfo& task,
                            const torch::Device& device) {
  return run_record({{"model", {{"path", a.model}, {"fingerprint", peft.base_fingerprint()}}},
                     {"data", file_records({{"train", a.train_file}, {"dev", a.dev_file}, {"test", a.test_file}})},
                     {"method", {{"name", a.method}, {"config", peft.method->config_json()}}},
                     {"task", task.to_json()},
                     {"settings", train::options_json(a.options)},
                     {"seed", a.options.seed},
                     {"random_init", a.random_init},
                     {"device", device.str()},
                     {"precision_choice", a.precision.reason},
                     {"threads", torch::get_num_threads()}});
}

void run_train(TrainArgs& a) {
  const auto config = models::ModelConfig::load(a.model + "/config.json");
  refuse_overlap("--out", a.out, {{"--model", a.model}, {"--train", a.train_file}, {"--dev", a.dev_file},
                                  {"--test", a.test_file}});
  const auto device = a.device.resolve();
  a.precision = resolve_precision_option(a.options.precision, device, config);
  a.options.precision = a.precision.precision;
  auto method = methods::create_method(a.method, parse_sets(a.sets));
  // Virtual tokens and prefixes take positions of the model's table: the input gets the rest.
  const auto limit = config.max_tokens() - method->positions_taken();
  require(limit > 2, "--method " + a.method + ": its " + std::to_string(method->positions_taken()) +
                         " virtual positions leave no room for input in the model's " +
                         std::to_string(config.max_tokens()));
  auto tokenizer = load_tokenizer(a.model, config);
  method->use_tokenizer(text_ids(tokenizer));
  if (a.max_length == 0) a.max_length = limit;
  if (a.max_length > limit) {
    std::fprintf(stderr, "--max-length %lld exceeds the %lld positions the model has for input; using %lld\n",
                 static_cast<long long>(a.max_length), static_cast<long long>(limit), static_cast<long long>(limit));
    a.max_length = limit;
  }
  auto task = train::infer_task(a.train_file, a.columns.columns, a.task, a.max_length);
  if (const auto* cloze = method->cloze()) task = train::cloze_task(task, *cloze, a.train_file);
  auto train_data = train::load_task_data(a.train_file, a.columns.columns, task, tokenizer);
  std::optional<train::TaskData> dev, test;
  if (!a.dev_file.empty()) dev = train::load_task_data(a.dev_file, a.columns.columns, task, tokenizer);
  if (!a.test_file.empty()) test = train::load_task_data(a.test_file, a.columns.columns, task, tokenizer);
  if (!a.lr_given) a.options.lr = a.method == "full" ? 5e-5 : 1e-3;

  models::ModelSpec spec{task.kind, static_cast<int64_t>(task.labels.size()), a.options.seed};
  if (task.cloze) spec.cloze = task.cloze->tokens(text_ids(tokenizer), "--method " + a.method);
  models::LoadReport report;
  auto model = models::load_task_model(a.model, spec, &report);
  if (a.random_init) {  // the baseline that shows what pretraining adds: same shape and vocabulary
    torch::manual_seed(a.options.seed);
    models::init_parameters(*model, model->config().initializer_range, [](const std::string&) { return true; });
  }
  if (!report.initialised.empty() && !a.random_init)
    std::fprintf(stderr, "initialised %zu tensor(s) missing from the checkpoint (e.g. %s)\n", report.initialised.size(),
                 report.initialised.front().c_str());
  if (!report.unexpected.empty())
    std::fprintf(stderr, "ignored %zu checkpoint tensor(s) this task does not use (e.g. %s)\n",
                 report.unexpected.size(), report.unexpected.front().c_str());
  model->to(device);
  methods::PeftModel peft(model, method);
  peft.base_model_name_or_path = a.model;
  const auto counts = peft.count_parameters();
  std::fprintf(stderr, "%s on %s: %zu train examples, %s, %lld labels | trainable %lld of %lld (%.3f%%)\n",
               a.method.c_str(), a.model.c_str(), train_data.features.size(), models::task_kind_name(task.kind),
               static_cast<long long>(task.labels.size()), static_cast<long long>(counts.trainable),
               static_cast<long long>(counts.base + counts.added), 100.0 * counts.share());

  a.options.out_dir = a.out;
  fs::create_directories(a.out);
  io::write_file_atomic((fs::path(a.out) / "run.json").string(), run_settings(a, peft, task, device).dump(2) + "\n");
  auto result = train::train(peft, train_data, dev ? &*dev : nullptr, task, a.options, device, tokenizer.pad_id());

  nlohmann::json metrics = {{"method", a.method},
                            {"task", models::task_kind_name(task.kind)},
                            {"task_id", fs::path(a.train_file).lexically_normal().string()},
                            {"metric", a.options.metric.empty() ? train::default_metric(task) : a.options.metric},
                            {"random_init", a.random_init},
                            {"precision", a.options.precision},
                            {"steps", result.steps},
                            {"stop_reason", result.stop_reason},
                            {"train_seconds", result.seconds},
                            {"train_loss", result.final_loss},
                            {"best_step", result.best_step},
                            {"trainable_parameters", counts.trainable},
                            {"total_parameters", counts.base + counts.added},
                            {"trainable_share", counts.share()},
                            {"adapter_bytes", fs::file_size(fs::path(a.out) / "adapter_model.safetensors")}};
  if (dev) metrics["dev"] = result.best_dev;
  if (test) {
    // Score the kept (best) adapter, not the last step's weights.
    peft.load_weights((fs::path(a.out) / "adapter_model.safetensors").string());
    metrics["test"] = train::score(train::predict(*peft.model, *test, task, a.options.batch_size * 2, device,
                                                  tokenizer.pad_id(), train::autocast_dtype(a.options.precision)),
                                   *test, task);
  }
  io::write_file_atomic((fs::path(a.out) / "metrics.json").string(), metrics.dump(2) + "\n");
  print_json(metrics);
}

}  // namespace

void add_train_command(CLI::App& app) {
  auto args = std::make_shared<TrainArgs>();
  auto* cmd = app.add_subcommand("train", "fine-tune a method on a task; saves the adapter + metrics.json");
  cmd->add_option("--model", args->model, "HF model directory (config.json, model.safetensors, vocab)")->required();
  cmd->add_option("--train", args->train_file, "training data: .tsv, .csv, .jsonl or .conll")->required();
  cmd->add_option("--dev", args->dev_file, "dev data: evaluation, early stopping, best-adapter keeping");
  cmd->add_option("--test", args->test_file, "test data, scored once with the kept adapter");
  cmd->add_option("--method", args->method, methods::method_names() + ", or several as a+b")->capture_default_str();
  cmd->add_option("--set", args->sets, "method option key=value (repeatable), e.g. --set r=8 (in a+b: --set b.r=8)");
  cmd->add_option("--out", args->out, "output directory")->required();
  cmd->add_option("--task", args->task, "auto, classification, regression, tagging")
      ->check(CLI::IsMember({"auto", "classification", "regression", "tagging"}))
      ->capture_default_str();
  cmd->add_option("--max-length", args->max_length, "tokens per example (default: the model's limit)")
      ->check(CLI::PositiveNumber);
  auto& o = args->options;
  cmd->add_option("--epochs", o.epochs, "passes over the training data")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-steps", o.max_steps, "stop after N optimizer steps (overrides --epochs; 0: use --epochs)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--batch-size", o.batch_size, "examples per micro-batch")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--grad-accum", o.grad_accum, "micro-batches per optimizer step")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_flag("--group-by-length", o.group_by_length, "batch examples of similar length (less padding, faster)");
  cmd->add_option_function<double>("--lr", [args](double v) { args->options.lr = v; args->lr_given = true; },
                                   "peak learning rate (default 1e-3, 5e-5 for full)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--weight-decay", o.weight_decay, "AdamW weight decay (not on biases and LayerNorms)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--loraplus-lr-ratio", o.loraplus_lr_ratio,
                  "LoRA+: LoRA's B factors and 1-D tensors learn at lr x this (0: off)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--warmup-ratio", o.warmup_ratio, "share of the steps spent warming the learning rate up")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_option("--schedule", o.schedule, "linear, cosine, constant")
      ->check(CLI::IsMember({"linear", "cosine", "constant"}))
      ->capture_default_str();
  cmd->add_option("--max-grad-norm", o.max_grad_norm, "gradient clipping (0: off)")->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--eval-every", o.eval_every, "optimizer steps between evaluations (0: each epoch)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--patience", o.patience, "evaluations without improvement before stopping (0: off)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--log-every", o.log_every, "steps between loss / lr / grad-norm lines in log.jsonl (0: off)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--metric", o.metric, "dev metric to select on (default: accuracy / pearson / entity_f1)");
  cmd->add_option("--seed", o.seed, "seed of the data order, dropout and fresh weights")->capture_default_str();
  add_precision_option(cmd, o.precision);
  cmd->add_flag("--random-init", args->random_init,
                "initialise the model randomly instead of loading its weights (a no-pretraining baseline)");
  auto* resume = cmd->add_flag_function(
      "--resume", [args](int64_t) { args->options.resume = train::TrainOptions::Resume::Required; },
      "continue from the newest complete OUT/checkpoint-<step> (an error when there is none)");
  cmd->add_flag_function(
         "--resume-or-start", [args](int64_t) { args->options.resume = train::TrainOptions::Resume::IfPresent; },
         "continue from a checkpoint when OUT has one, else start afresh")
      ->excludes(resume);
  cmd->add_flag("--keep-checkpoints", o.keep_checkpoints,
                "keep the last checkpoint after the run ends (to --resume it later with more steps)");
  cmd->add_flag("--quiet", o.quiet, "no progress lines");
  args->device.add_to(cmd);
  args->columns.add_to(cmd);
  cmd->callback([args] { run_train(*args); });
}

}  // namespace peft::cli
