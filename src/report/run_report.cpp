#include "report/run_report.h"

#include <cmath>
#include <cstdio>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/atomic_file.h"
#include "plot/scatter.h"

namespace fs = std::filesystem;

namespace peft::report {
namespace {

std::string format(const char* pattern, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, pattern, value);
  return buffer;
}

std::string count(int64_t n) {
  if (n < 1000) return std::to_string(n);
  return n < 1000000 ? format("%.1fk", double(n) / 1e3) : format("%.2fM", double(n) / 1e6);
}

std::string bytes(int64_t n) {
  return n < 1000000 ? format("%.1f kB", double(n) / 1e3) : format("%.1f MB", double(n) / 1e6);
}

std::string points(const std::optional<double>& metric) { return metric ? format("%.2f", *metric * 100) : "–"; }

// The score a run is compared and plotted by: test when it has one.
std::optional<double> headline(const RunSummary& run) { return run.test ? run.test : run.dev; }

std::optional<double> metric_of(const nlohmann::json& split, const std::string& metric) {
  if (!split.is_object() || !split.contains(metric)) return std::nullopt;
  return split.at(metric).get<double>();
}

const RunSummary* baseline_run(const std::vector<RunSummary>& runs, const std::string& name) {
  for (const auto& run : runs)
    if (name.empty() ? run.method == "full" : run.name == name) return &run;
  require(name.empty(), "no run named '" + name + "' to compare against");
  return nullptr;
}

void check_same_metric(const std::vector<RunSummary>& runs) {
  require(!runs.empty(), "no runs to report");
  for (const auto& run : runs)
    require(run.metric == runs.front().metric, "runs " + runs.front().name + " and " + run.name +
                                                    " select on different metrics (" + runs.front().metric +
                                                    ", " + run.metric + "): report one task at a time");
}

}  // namespace

RunSummary read_run(const std::string& dir) {
  const auto path = (fs::path(dir) / "metrics.json").string();
  const auto json = nlohmann::json::parse(io::read_file(path), nullptr, false);
  require(json.is_object(), path + ": not a JSON object");
  RunSummary run;
  run.name = fs::path(dir).lexically_normal().filename().string();
  if (run.name.empty()) run.name = fs::path(dir).lexically_normal().parent_path().filename().string();
  try {
    run.method = json.at("method").get<std::string>();
    run.task = json.at("task").get<std::string>();
    run.metric = json.at("metric").get<std::string>();
    run.trainable_parameters = json.at("trainable_parameters").get<int64_t>();
    run.total_parameters = json.at("total_parameters").get<int64_t>();
    run.trainable_share = json.at("trainable_share").get<double>();
    run.adapter_bytes = json.at("adapter_bytes").get<int64_t>();
    run.train_seconds = json.at("train_seconds").get<double>();
    run.steps = json.at("steps").get<int64_t>();
    run.dev = metric_of(json.value("dev", nlohmann::json()), run.metric);
    run.test = metric_of(json.value("test", nlohmann::json()), run.metric);
  } catch (const nlohmann::json::exception& e) {
    throw Error(path + ": " + e.what());
  }
  require(run.dev || run.test, path + ": no dev or test '" + run.metric + "' score");
  return run;
}

std::string markdown_table(const std::vector<RunSummary>& runs, const std::string& baseline) {
  check_same_metric(runs);
  const auto& metric = runs.front().metric;
  const RunSummary* base = baseline_run(runs, baseline);
  std::string out = "| run | method | dev " + metric + " | test " + metric + " |" +
                    (base ? " Δ vs " + base->name + " |" : "") + " trainable | share | adapter | train time |\n";
  out += std::string("|---|---|--:|--:|") + (base ? "--:|" : "") + "--:|--:|--:|--:|\n";
  for (const auto& run : runs) {
    out += "| " + run.name + " | " + run.method + " | " + points(run.dev) + " | " + points(run.test) + " |";
    if (base) out += " " + format("%+.2f", (*headline(run) - *headline(*base)) * 100) + " |";
    out += " " + count(run.trainable_parameters) + " | " + format("%.3g%%", run.trainable_share * 100) + " | " +
           bytes(run.adapter_bytes) + " | " + format("%.0f s", run.train_seconds) + " |\n";
  }
  return out;
}

void plot_runs(const std::string& png_path, const std::vector<RunSummary>& runs, const std::string& title) {
  check_same_metric(runs);
  std::vector<plot::Point> points;
  bool all_test = true;
  for (const auto& run : runs) {
    points.push_back({run.trainable_share, *headline(run) * 100, run.name});
    all_test = all_test && run.test.has_value();
  }
  plot::ScatterOptions options;
  options.title = title;
  options.x_label = "trainable parameters (share of the model, log scale)";
  options.y_label = std::string(all_test ? "test " : "dev/test ") + runs.front().metric + " (%)";
  options.log_x = true;
  options.x_percent = true;
  plot::write_scatter_png(png_path, points, options);
}

}  // namespace peft::report
