// Side-by-side comparison of finished `peft train` runs: one row per run directory (its metrics.json),
// as a Markdown table and as a scatter plot of the task metric against the trainable-parameter share,
// in the style of Figure 1 of Houlsby et al. (2019).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace peft::report {

struct RunSummary {
  std::string name;  // the run directory's last path component
  std::string method, task, metric;
  std::optional<double> dev, test;  // the selection metric of the kept adapter
  int64_t trainable_parameters = 0, total_parameters = 0;
  double trainable_share = 0;
  int64_t adapter_bytes = 0;
  double train_seconds = 0;
  int64_t steps = 0;
};

// Reads DIR/metrics.json; throws peft::Error naming the file when it is missing, malformed or lacks a field.
RunSummary read_run(const std::string& dir);

// Metrics as percentages (GLUE style), sizes in k/M and kB/MB, and each run's gap in points to the
// baseline: the run named `baseline`, or when that is empty the first run of method "full" (no gap column
// without one). All runs must share one metric.
std::string markdown_table(const std::vector<RunSummary>& runs, const std::string& baseline = "");

// Test metric (dev when a run has no test score) against trainable share, log x, one labelled point per run.
void plot_runs(const std::string& png_path, const std::vector<RunSummary>& runs, const std::string& title);

}  // namespace peft::report
