#include "report/run_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>

#include "core/error.h"
#include "io/atomic_file.h"

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

// Runs of one task that share a name (runs/seed42/lora, runs/seed43/lora) repeat one setting, e.g. with other
// seeds: they make one row. Rows are grouped by task, tasks and rows in the order they first appear.
using Row = std::vector<const RunSummary*>;

std::vector<std::string> task_ids(const std::vector<RunSummary>& runs) {
  std::vector<std::string> ids;
  for (const auto& run : runs)
    if (std::find(ids.begin(), ids.end(), run.task_id) == ids.end()) ids.push_back(run.task_id);
  return ids;
}

std::vector<Row> rows_of(const std::vector<RunSummary>& runs) {
  std::vector<Row> rows;
  for (const auto& run : runs) {
    auto row = std::find_if(rows.begin(), rows.end(), [&](const Row& r) {
      return r.front()->task_id == run.task_id && r.front()->name == run.name;
    });
    if (row == rows.end()) {
      rows.push_back({&run});
      continue;
    }
    require(run.method == row->front()->method,
            "runs named " + run.name + " use different methods (" + row->front()->method + ", " + run.method + ")");
    row->push_back(&run);
  }
  const auto tasks = task_ids(runs);
  const auto task_of = [&](const Row& row) { return std::find(tasks.begin(), tasks.end(), row.front()->task_id); };
  std::stable_sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return task_of(a) < task_of(b); });
  return rows;
}

// A task's short name: data/tasks/topic/train.tsv -> topic, data/sst2.tsv -> sst2; the whole task_id where
// two tasks' short names would collide, so that no two tasks look like one.
std::map<std::string, std::string> task_labels(const std::vector<RunSummary>& runs) {
  std::map<std::string, std::string> labels;
  std::map<std::string, int> uses;
  for (const auto& id : task_ids(runs)) {
    const fs::path path(id);
    const auto parent = path.parent_path().filename().string();
    auto label = path.filename().string().rfind("train.", 0) == 0 && !parent.empty() ? parent : path.stem().string();
    if (label.empty()) label = id;
    labels[id] = label;
    ++uses[label];
  }
  for (auto& [id, label] : labels)
    if (uses[label] > 1) label = id;
  return labels;
}

// Mean and sample standard deviation of one score over a row; none when a run lacks it.
struct Score {
  double mean = 0, sd = 0;
};
using Split = std::optional<double> RunSummary::*;

std::optional<Score> score(const Row& row, Split split) {
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

// The gap of one split's means: a dev score is only ever compared with a dev score, a test score with a test
// score.
std::string gap(const Row& row, const Row* base, Split split) {
  const auto ours = score(row, split);
  const auto theirs = base ? score(*base, split) : std::nullopt;
  return ours && theirs ? format("%+.2f", (ours->mean - theirs->mean) * 100) : "–";
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

nlohmann::json read_object(const std::string& path) {
  auto json = nlohmann::json::parse(io::read_file(path), nullptr, false);
  require(json.is_object(), path + ": not a JSON object");
  return json;
}

bool is_baseline(const Row& row, const std::string& name) {
  return name.empty() ? row.front()->method == "full" : row.front()->name == name;
}

// The row `row`'s gaps are measured to: the baseline of its own task, if that task has one.
const Row* baseline_of(const std::vector<Row>& rows, const Row& row, const std::string& name) {
  for (const auto& candidate : rows)
    if (candidate.front()->task_id == row.front()->task_id && is_baseline(candidate, name)) return &candidate;
  return nullptr;
}

void check_same_metric(const std::vector<RunSummary>& runs) {
  require(!runs.empty(), "no runs to report");
  for (const auto& run : runs) {
    const auto& first =
        *std::find_if(runs.begin(), runs.end(), [&](const RunSummary& r) { return r.task_id == run.task_id; });
    require(run.metric == first.metric, "runs " + first.name + " and " + run.name + " of task " + run.task_id +
                                            " select on different metrics (" + first.metric + ", " + run.metric + ")");
  }
}

// run.json's value at a dotted path (settings.lr), none where a run has no such key.
std::optional<nlohmann::json> setting(const RunSummary& run, const std::string& dotted) {
  const nlohmann::json* at = &run.run_settings;
  for (size_t start = 0; start <= dotted.size();) {
    const auto end = std::min(dotted.find('.', start), dotted.size());
    const auto key = dotted.substr(start, end - start);
    if (!at->is_object() || !at->contains(key)) return std::nullopt;
    at = &at->at(key);
    start = end + 1;
  }
  return *at;
}

std::string setting_cell(const Row& row, const std::string& dotted) {
  const auto value = setting(*row.front(), dotted);
  for (const auto* run : row)
    if (setting(*run, dotted) != value) return "mixed";
  if (!value) return "–";
  std::string text = value->is_string()           ? value->get<std::string>()
                     : value->is_number_integer() ? value->dump()  // %g would round a seed or a step count
                     : value->is_number()         ? format("%g", value->get<double>())
                                                  : value->dump();
  // A '|' escaped, so that it does not split the cell.
  for (size_t at = text.find('|'); at != std::string::npos; at = text.find('|', at + 2)) text.insert(at, "\\");
  return text;
}

// One table column: its header, whether it holds numbers (right-aligned), and its cell for a row.
struct Column {
  std::string header;
  bool numeric;
  std::function<std::string(const Row&)> cell;
};

}  // namespace

RunSummary read_run(const std::string& dir) {
  const auto path = (fs::path(dir) / "metrics.json").string();
  const auto json = read_object(path);
  RunSummary run;
  run.name = fs::path(dir).lexically_normal().filename().string();
  if (run.name.empty()) run.name = fs::path(dir).lexically_normal().parent_path().filename().string();
  try {
    run.method = json.at("method").get<std::string>();
    run.task = json.at("task").get<std::string>();
    run.task_id = json.value("task_id", run.task);  // older runs: their task kind is all there is
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
  const auto settings = (fs::path(dir) / "run.json").string();
  if (fs::exists(settings)) run.run_settings = read_object(settings);
  return run;
}

std::string markdown_table(const std::vector<RunSummary>& runs, const std::string& baseline,
                           const std::vector<std::string>& columns) {
  check_same_metric(runs);
  const auto rows = rows_of(runs);
  const auto labels = task_labels(runs);
  const bool one_metric =
      std::all_of(runs.begin(), runs.end(), [&](const RunSummary& r) { return r.metric == runs.front().metric; });
  const bool gaps = std::any_of(rows.begin(), rows.end(), [&](const Row& r) { return is_baseline(r, baseline); });
  require(gaps || baseline.empty(), "no run named '" + baseline + "' to compare against");
  const auto split_columns = [&](const std::string& name, Split split) {
    std::vector<Column> out = {{name + (one_metric ? " " + runs.front().metric : ""), true,
                                [split](const Row& row) { return points(score(row, split), row.size()); }}};
    if (gaps)
      out.push_back({"Δ " + name, true,
                     [&, split](const Row& row) { return gap(row, baseline_of(rows, row, baseline), split); }});
    return out;
  };

  std::vector<Column> table;
  if (labels.size() > 1) table.push_back({"task", false, [&](const Row& r) { return labels.at(r.front()->task_id); }});
  if (!one_metric) table.push_back({"metric", false, [](const Row& r) { return r.front()->metric; }});
  table.push_back({"run", false, [](const Row& r) { return r.front()->name; }});
  table.push_back({"method", false, [](const Row& r) { return r.front()->method; }});
  if (rows.size() < runs.size()) table.push_back({"runs", true, [](const Row& r) { return std::to_string(r.size()); }});
  for (auto split : {split_columns("dev", &RunSummary::dev), split_columns("test", &RunSummary::test)})
    table.insert(table.end(), split.begin(), split.end());
  for (const auto& key : columns) table.push_back({key, false, [&](const Row& r) { return setting_cell(r, key); }});
  table.push_back({"trainable", true, [](const Row& r) { return count(r.front()->trainable_parameters); }});
  table.push_back({"share", true, [](const Row& r) { return format("%.3g%%", r.front()->trainable_share * 100); }});
  table.push_back({"adapter", true, [](const Row& r) { return bytes(r.front()->adapter_bytes); }});
  table.push_back({"steps", true, [](const Row& r) { return std::to_string(r.front()->steps); }});
  table.push_back(
      {"train time", true, [](const Row& r) { return format("%.0f s", mean_of(r, &RunSummary::train_seconds)); }});

  std::string header = "|", rule = "|", body;
  for (const auto& column : table) {
    header += " " + column.header + " |";
    rule += column.numeric ? "--:|" : "---|";
  }
  for (const auto& row : rows) {
    body += "|";
    for (const auto& column : table) body += " " + column.cell(row) + " |";
    body += "\n";
  }
  return header + "\n" + rule + "\n" + body;
}

namespace {

double x_of(const RunSummary& run, const std::string& x_key) {
  if (x_key.empty()) return run.trainable_share;
  const auto value = setting(run, x_key);
  require(value && value->is_number() && value->get<double>() > 0,
          "run " + run.name + ": run.json has no positive number at '" + x_key + "' to plot against");
  return value->get<double>();
}

}  // namespace

RunPlot run_plot(const std::vector<RunSummary>& runs, const std::string& title, const std::string& x_key) {
  check_same_metric(runs);
  const auto labels = task_labels(runs);
  struct Scored {
    const RunSummary* run;
    double y;
    bool test;
  };
  std::vector<Scored> scored;
  for (const auto& row : rows_of(runs)) {
    const auto test = score(row, &RunSummary::test), dev = score(row, &RunSummary::dev);
    require(test || dev, "runs named " + row.front()->name + " share neither a dev nor a test score: nothing to plot");
    scored.push_back({row.front(), (test ? test : dev)->mean * 100, test.has_value()});
  }
  const bool any_test = std::any_of(scored.begin(), scored.end(), [](const Scored& s) { return s.test; });
  const bool any_dev = std::any_of(scored.begin(), scored.end(), [](const Scored& s) { return !s.test; });
  RunPlot plot;
  for (const auto& [run, y, test] : scored) {
    const auto task = labels.size() > 1 ? labels.at(run->task_id) + ": " : "";
    // Points say "(dev)" only where the axis says test: a plot of dev scores alone is labelled dev.
    plot.points.push_back({x_of(*run, x_key), y, task + run->name + (any_test && !test ? " (dev)" : "")});
  }
  std::vector<std::string> metrics;
  for (const auto& run : runs)
    if (std::find(metrics.begin(), metrics.end(), run.metric) == metrics.end()) metrics.push_back(run.metric);
  std::string metric = metrics.front();
  for (size_t i = 1; i < metrics.size(); ++i) metric += "/" + metrics[i];
  plot.options.title = title;
  plot.options.x_label =
      x_key.empty() ? "trainable parameters (share of the model, log scale)" : x_key + " (log scale)";
  plot.options.y_label = std::string(any_test ? "test " : "dev ") + metric + " (%)" +
                         (any_test && any_dev ? ", dev where marked (dev)" : "");
  plot.options.log_x = true;
  plot.options.x_percent = x_key.empty();
  return plot;
}

void plot_runs(const std::string& png_path, const std::vector<RunSummary>& runs, const std::string& title,
               const std::string& x_key) {
  const auto plot = run_plot(runs, title, x_key);
  plot::write_scatter_png(png_path, plot.points, plot.options);
}

}  // namespace peft::report
