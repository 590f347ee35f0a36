// `peft bench`: one JSON line with a method's training-step throughput and peak memory, on a model
// directory or a bare config.json (random weights), so speeds compare side by side with other tools.
#include <iostream>

#include "bench/step_bench.h"
#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "cli/options.h"
#include "core/error.h"
#include "methods/registry.h"
#include "models/checkpoint.h"
#include "train/precision.h"

namespace peft::cli {
namespace {

struct BenchArgs {
  std::string model, config, method = "lora";
  std::vector<std::string> sets;
  int64_t labels = 2;
  bench::StepBenchOptions options;
  DeviceOptions device;
};

void run_bench(BenchArgs& a) {
  require(a.model.empty() != a.config.empty(), "give exactly one of --model DIR or --config FILE");
  const auto device = a.device.resolve();
  a.options.precision = train::resolve_precision(a.options.precision, device);
  models::TaskModel model{nullptr};
  if (!a.model.empty()) {
    model = models::load_task_model(a.model, {models::TaskKind::SequenceClassification, a.labels, 0});
  } else {
    model = models::TaskModel(models::ModelConfig::load(a.config), models::TaskKind::SequenceClassification, a.labels);
    models::init_parameters(*model, model->config().initializer_range, [](const std::string&) { return true; });
  }
  require(a.options.seq <= model->config().max_position_embeddings,
          "--seq " + std::to_string(a.options.seq) + " exceeds max_position_embeddings " +
              std::to_string(model->config().max_position_embeddings));
  model->to(device);
  methods::PeftModel peft(model, methods::create_method(a.method, parse_sets(a.sets)));
  auto result = bench::bench_training_step(peft, a.options, device);
  if (device.is_cpu()) result["cpu_runtime"] = cpu_runtime_summary();
  std::cout << result.dump() << std::endl;
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "training-step throughput (tokens/s, ms/step) and peak memory, as JSON");
  auto* model = cmd->add_option("--model", args->model, "HF model directory");
  cmd->add_option("--config", args->config, "config.json of a model to build with random weights")->excludes(model);
  cmd->add_option("--method", args->method, "method to time (any of `peft train --method`)")->capture_default_str();
  cmd->add_option("--set", args->sets, "method option key=value (repeatable)");
  cmd->add_option("--batch-size", args->options.batch, "examples per step")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seq", args->options.seq, "tokens per example")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--steps", args->options.steps, "timed steps")->check(CLI::PositiveNumber)->capture_default_str();
  add_precision_option(cmd, args->options.precision);
  args->device.add_to(cmd);
  cmd->callback([args] { run_bench(*args); });
}

}  // namespace peft::cli
