// `peft report`: compares finished `peft train` runs side by side as a Markdown table (stdout, and a file
// with --out) and a PNG plot of the task metric against the trainable-parameter share; --column adds
// settings the runs recorded in run.json.
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "io/atomic_file.h"
#include "report/run_report.h"

namespace peft::cli {
namespace {

struct ReportArgs {
  std::vector<std::string> runs, columns;
  std::string out, plot, baseline, x, title = "task metric vs trainable parameters";
};

void run_report(const ReportArgs& a) {
  std::vector<report::RunSummary> runs;
  for (const auto& dir : a.runs) runs.push_back(report::read_run(dir));
  const auto table = report::markdown_table(runs, a.baseline, a.columns);
  std::cout << table;
  if (!a.out.empty()) io::write_file_atomic(a.out, table);
  if (!a.plot.empty()) report::plot_runs(a.plot, runs, a.title, a.x);
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  auto* cmd = app.add_subcommand("report", "compare finished training runs: a table and a metric-vs-size plot");
  cmd->add_option("runs", args->runs, "run directories (each with the metrics.json of `peft train`)")->required();
  cmd->add_option("--out", args->out, "also write the table to this Markdown file");
  cmd->add_option("--plot", args->plot, "write a PNG plot of the metric against the trainable share (log x)");
  cmd->add_option("--baseline", args->baseline,
                  "run (directory name) each task's gaps are measured to (default: the task's full run)");
  cmd->add_option("--column", args->columns,
                  "add a column of this dotted key from each run's run.json (e.g. settings.lr); repeatable")
      ->allow_extra_args(false);  // one key per --column: the run directories after it stay runs
  cmd->add_option("--x", args->x,
                  "plot against this dotted key of run.json instead (e.g. method.config.num_virtual_tokens)");
  cmd->add_option("--title", args->title, "plot title")->capture_default_str();
  cmd->callback([args] { run_report(*args); });
}

}  // namespace peft::cli
