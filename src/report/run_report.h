// Side-by-side comparison of finished `peft train` runs, as a Markdown table and as a scatter plot of the
// task metric against the trainable-parameter share in the style of Figure 1 of Houlsby et al. (2019). One
// row per run name (the directory's last component): runs that share it, e.g. one setting over several
// seeds, make one row with their mean ± sd.
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

// Metrics as percentages (GLUE style), sizes in k/M and kB/MB, and each row's gap in points (of the means)
// to the baseline: the run named `baseline`, or when that is empty the first run of method "full" (no gap
// column without one). All runs must share one metric; runs that share a name, one method.
std::string markdown_table(const std::vector<RunSummary>& runs, const std::string& baseline = "");

// Test metric (dev when a run has no test score) against trainable share, log x, one labelled point per
// row (the mean of its runs).
void plot_runs(const std::string& png_path, const std::vector<RunSummary>& runs, const std::string& title);

}  // namespace peft::report
