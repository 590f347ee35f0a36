// `peft bench`: one JSON line with a method's training-step throughput and peak memory (or, with
// --inference, its forward-only speed against the base), on a model directory or a bare config.json
// (random weights), so speeds compare side by side with other tools. --profile adds where a step's time
// goes, also as a table on stderr.
#include <cstdio>
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
  bool inference = false;
};

void print_profile(const nlohmann::json& profile) {
  std::fprintf(stderr, "where a profiled step's %.1f ms go (%.1f ms unprofiled; %lld steps, %lld operations each):\n",
               profile["ms_per_step"].get<double>(), profile["unprofiled_ms_per_step"].get<double>(),
               static_cast<long long>(profile["steps"].get<int64_t>()),
               static_cast<long long>(profile["calls_per_step"].get<int64_t>()));
  for (const auto& part : profile["parts"])
    std::fprintf(stderr, "  %-24s %8.1f ms %6.1f%%\n", part["part"].get<std::string>().c_str(),
                 part["ms_per_step"].get<double>(), 100 * part["share"].get<double>());
  std::fprintf(stderr, "busiest operations (own time):\n");
  for (const auto& op : profile["operations"]) {
    std::string dtypes;
    for (const auto& d : op.value("input_dtypes", nlohmann::json::array())) dtypes += " " + d.get<std::string>();
    std::fprintf(stderr, "  %-36s %8.1f ms %6.1f%%  %s;%s\n", op["operation"].get<std::string>().c_str(),
                 op["ms_per_step"].get<double>(), 100 * op["share"].get<double>(),
                 op["part"].get<std::string>().c_str(), dtypes.c_str());
  }
}

void run_bench(BenchArgs& a) {
  require(a.model.empty() != a.config.empty(), "give exactly one of --model DIR or --config FILE");
  const auto device = a.device.resolve();
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
  const auto precision = train::resolve_precision(a.options.precision, device, model->config());
  a.options.precision = precision.precision;
  model->to(device);
  methods::PeftModel peft(model, methods::create_method(a.method, parse_sets(a.sets)));
  auto result = a.inference ? bench::bench_inference(peft, a.options, device)
                            : bench::bench_training_step(peft, a.options, device);
  if (result.contains("profile")) print_profile(result["profile"]);
  result["precision_choice"] = precision.reason;
  if (device.is_cpu()) result["cpu_runtime"] = cpu_runtime_summary();
  std::cout << result.dump() << std::endl;
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  auto* cmd = app.add_subcommand("bench", "training-step (or --inference) throughput and peak memory, as JSON");
  auto* model = cmd->add_option("--model", args->model, "HF model directory");
  cmd->add_option("--config", args->config, "config.json of a model to build with random weights")->excludes(model);
  cmd->add_option("--method", args->method, "method to time (any of `peft train --method`)")->capture_default_str();
  cmd->add_option("--set", args->sets, "method option key=value (repeatable)");
  cmd->add_option("--batch-size", args->options.batch, "examples per step")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--seq", args->options.seq, "tokens per example")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--steps", args->options.steps, "timed steps")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_flag("--inference", args->inference,
                "forward passes only, in inference mode: the base alone, the adapter unmerged, and merged");
  cmd->add_flag("--profile", args->options.profile, "also profile the training step: time per part and operation")
      ->excludes("--inference");
  add_precision_option(cmd, args->options.precision);
  args->device.add_to(cmd);
  cmd->callback([args] { run_bench(*args); });
}

}  // namespace peft::cli
