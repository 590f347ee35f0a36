// Side-by-side comparison of finished `peft train` runs, as a Markdown table and as a scatter plot of the
// task metric against the trainable-parameter share in the style of Figure 1 of Houlsby et al. (2019).
// One row per (task, run name), the name being the directory's last component: runs that share both, e.g. one
// setting over several seeds, make one row with their mean ± sd. A task is metrics.json's `task_id` (the
// training file's path), or its `task` field for runs written before there was one. When the runs span more
// than one task the table shows a task column, labelled by the task_id's parent directory name when the file
// is named train.* (data/tasks/topic/train.tsv -> topic), else by its file stem (data/sst2.tsv -> sst2), or by
// the whole task_id where two tasks' labels would collide.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plot/scatter.h"

namespace peft::report {

struct RunSummary {
  std::string name;  // the run directory's last path component
  std::string method, task, metric;
  std::string task_id;              // what tells tasks apart: metrics.json's task_id, else its task
  std::optional<double> dev, test;  // the selection metric of the kept adapter
  int64_t trainable_parameters = 0, total_parameters = 0;
  double trainable_share = 0;
  int64_t adapter_bytes = 0;
  double train_seconds = 0;
  int64_t steps = 0;
  nlohmann::json run_settings;  // DIR/run.json as the trainer wrote it; null when there is none
};

// Reads DIR/metrics.json and, when present, DIR/run.json; throws peft::Error naming the file when one is
// malformed, or when metrics.json is missing or lacks a field.
RunSummary read_run(const std::string& dir);

// Metrics as percentages (GLUE style), sizes in k/M and kB/MB, and each row's gap in points (of the means) to
// its task's baseline, dev to dev and test to test ("–" where the row or the baseline lacks that split): the
// run named `baseline`, or when that is empty the task's first run of method "full" (no gap columns when no
// task has one). Each of `columns` is a dotted path into run.json (settings.lr reads ["settings"]["lr"]):
// strings as they are, numbers with %g, other JSON dumped; "–" where a run lacks it, "mixed" where a row's
// runs disagree. Runs of one task must share one metric; runs that share a row, one method.
std::string markdown_table(const std::vector<RunSummary>& runs, const std::string& baseline = "",
                           const std::vector<std::string>& columns = {});

// What plot_runs draws: the test metric (dev for a row whose runs lack test scores, and then its label says
// so) against trainable share, log x, one point per row (the mean of its runs) labelled by its run name, after
// its task's label when the runs span several tasks.
struct RunPlot {
  std::vector<plot::Point> points;
  plot::ScatterOptions options;
};
// `x_key`, when given, puts a number from each run's run.json there instead (a dotted path, e.g.
// method.config.num_virtual_tokens, for a sweep), log x; a run without a positive number there is an error.
RunPlot run_plot(const std::vector<RunSummary>& runs, const std::string& title, const std::string& x_key = "");
void plot_runs(const std::string& png_path, const std::vector<RunSummary>& runs, const std::string& title,
               const std::string& x_key = "");

}  // namespace peft::report
