#include "report/run_report.h"

#include <algorithm>
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

// Runs that share a name (runs/seed42/lora, runs/seed43/lora) repeat one setting, e.g. with other seeds:
// they make one row, in the order the names first appear.
using Row = std::vector<const RunSummary*>;

std::vector<Row> rows_of(const std::vector<RunSummary>& runs) {
  std::vector<Row> rows;
  for (const auto& run : runs) {
    auto row = std::find_if(rows.begin(), rows.end(), [&](const Row& r) { return r.front()->name == run.name; });
    if (row == rows.end()) {
      rows.push_back({&run});
      continue;
    }
    require(run.method == row->front()->method,
            "runs named " + run.name + " use different methods (" + row->front()->method + ", " + run.method + ")");
    row->push_back(&run);
  }
  return rows;
}

// Mean and sample standard deviation of one score over a row; none when a run lacks it.
struct Score {
  double mean = 0, sd = 0;
};

std::optional<Score> score(const Row& row, std::optional<double> RunSummary::*split) {
  Score s;
  for (const auto* run : row) {
    if (!(run->*split)) return std::nullopt;
    s.mean += *(run->*split) / double(row.size());
  }
  for (const auto* run : row) s.sd += std::pow(*(run->*split) - s.mean, 2);
  s.sd = row.size() > 1 ? std::sqrt(s.sd / double(row.size() - 1)) : 0;
  return s;
}

std::string points(const std::optional<Score>& s, size_t repeats) {
  if (!s) return "–";
  return format("%.2f", s->mean * 100) + (repeats > 1 ? format(" ± %.2f", s->sd * 100) : "");
}

// The score a row is compared and plotted by: test when all its runs have one.
double headline(const Row& row) {
  const auto test = score(row, &RunSummary::test);
  return test ? test->mean : score(row, &RunSummary::dev)->mean;
}

double mean_of(const Row& row, double RunSummary::*field) {
  double sum = 0;
  for (const auto* run : row) sum += run->*field;
  return sum / double(row.size());
}

std::optional<double> metric_of(const nlohmann::json& split, const std::string& metric) {
  if (!split.is_object() || !split.contains(metric)) return std::nullopt;
  return split.at(metric).get<double>();
}

const Row* baseline_row(const std::vector<Row>& rows, const std::string& name) {
  for (const auto& row : rows)
    if (name.empty() ? row.front()->method == "full" : row.front()->name == name) return &row;
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
  const auto rows = rows_of(runs);
  const bool repeated = rows.size() < runs.size();
  const Row* base = baseline_row(rows, baseline);
  std::string out = "| run | method |" + std::string(repeated ? " runs |" : "") + " dev " + metric + " | test " +
                    metric + " |" + (base ? " Δ vs " + base->front()->name + " |" : "") +
                    " trainable | share | adapter | steps | train time |\n";
  out += std::string("|---|---|") + (repeated ? "--:|" : "") + "--:|--:|" + (base ? "--:|" : "") +
         "--:|--:|--:|--:|--:|\n";
  for (const auto& row : rows) {
    const auto& run = *row.front();
    out += "| " + run.name + " | " + run.method + " |" + (repeated ? " " + std::to_string(row.size()) + " |" : "") +
           " " + points(score(row, &RunSummary::dev), row.size()) + " | " +
           points(score(row, &RunSummary::test), row.size()) + " |";
    if (base) out += " " + format("%+.2f", (headline(row) - headline(*base)) * 100) + " |";
    out += " " + count(run.trainable_parameters) + " | " + format("%.3g%%", run.trainable_share * 100) + " | " +
           bytes(run.adapter_bytes) + " | " + std::to_string(run.steps) + " | " +
           format("%.0f s", mean_of(row, &RunSummary::train_seconds)) + " |\n";
  }
  return out;
}

void plot_runs(const std::string& png_path, const std::vector<RunSummary>& runs, const std::string& title) {
  check_same_metric(runs);
  std::vector<plot::Point> points;
  for (const auto& row : rows_of(runs))
    points.push_back({row.front()->trainable_share, headline(row) * 100, row.front()->name});
  const bool all_test = std::all_of(runs.begin(), runs.end(), [](const RunSummary& r) { return r.test.has_value(); });
  plot::ScatterOptions options;
  options.title = title;
  options.x_label = "trainable parameters (share of the model, log scale)";
  options.y_label = std::string(all_test ? "test " : "dev/test ") + runs.front().metric + " (%)";
  options.log_x = true;
  options.x_percent = true;
  plot::write_scatter_png(png_path, points, options);
}

}  // namespace peft::report
