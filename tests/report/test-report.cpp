// Tests for the run report: reading metrics.json files, the Markdown table (percent metrics, gaps to full
// fine-tuning, human-readable sizes) and its errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "plot/scatter.h"
#include "report/run_report.h"
#include "support/scratch.h"

namespace peft::report {
namespace {

using test::error_of;

class Report : public test::TempDirTest {
 protected:
  // A run directory `name` with a metrics.json as `peft train` writes it; `extra` replaces or adds fields.
  std::string run(const std::string& name, const std::string& method, double dev, double test, int64_t trainable,
                  const std::string& metric = "accuracy", int64_t steps = 300,
                  const nlohmann::json& extra = nlohmann::json::object()) {
    nlohmann::json metrics = {{"method", method},
                              {"task", "classification"},
                              {"metric", metric},
                              {"steps", steps},
                              {"train_seconds", 61.4},
                              {"train_loss", 0.5},
                              {"best_step", 200},
                              {"trainable_parameters", trainable},
                              {"total_parameters", 5000000},
                              {"trainable_share", double(trainable) / 5e6},
                              {"adapter_bytes", trainable * 4 + 900},
                              {"dev", {{metric, dev}, {"f1_macro", 0.1}}},
                              {"test", {{metric, test}}}};
    metrics.update(extra);
    scratch_.dir(name);
    scratch_.write(name + "/metrics.json", metrics.dump(2));
    return path(name);
  }
};

TEST_F(Report, ReadsARunDirectory) {
  const auto summary = read_run(run("lora", "lora", 0.81, 0.8, 40000) + "/");
  EXPECT_EQ(summary.name, "lora");
  EXPECT_EQ(summary.method, "lora");
  EXPECT_EQ(summary.metric, "accuracy");
  EXPECT_EQ(summary.task_id, "classification");  // no task_id in this metrics.json: its task
  EXPECT_DOUBLE_EQ(*summary.dev, 0.81);
  EXPECT_DOUBLE_EQ(*summary.test, 0.8);
  EXPECT_EQ(summary.trainable_parameters, 40000);
  EXPECT_DOUBLE_EQ(summary.trainable_share, 0.008);
  EXPECT_EQ(summary.steps, 300);
}

TEST_F(Report, TableGivesPercentagesGapsAndSizes) {
  const std::vector<RunSummary> runs = {read_run(run("full", "full", 0.85, 0.84, 5000000)),
                                        read_run(run("lora-r8", "lora", 0.83, 0.8325, 40000, "accuracy", 450))};
  const std::string table = markdown_table(runs);
  EXPECT_NE(table.find("| run | method | dev accuracy | Δ dev | test accuracy | Δ test |"), std::string::npos) << table;
  EXPECT_NE(table.find("| full | full | 85.00 | +0.00 | 84.00 | +0.00 | 5.00M | 100% | 20.0 MB | 300 | 61 s |"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("| lora-r8 | lora | 83.00 | -2.00 | 83.25 | -0.75 | 40.0k | 0.8% | 160.9 kB | 450 | 61 s |"),
            std::string::npos)
      << table;
}

TEST_F(Report, TableWithoutFullHasNoGapColumn) {
  const std::string table = markdown_table({read_run(run("bitfit", "bitfit", 0.7, 0.69, 900))});
  EXPECT_EQ(table.find("Δ"), std::string::npos);
  EXPECT_NE(table.find("| bitfit | bitfit | 70.00 | 69.00 | 900 |"), std::string::npos) << table;
}

TEST_F(Report, GapsToANamedBaseline) {
  const std::vector<RunSummary> runs = {read_run(run("pretrained", "full", 0.85, 0.84, 5000000)),
                                        read_run(run("random", "full", 0.5, 0.6, 5000000))};
  const std::string table = markdown_table(runs, "pretrained");
  EXPECT_NE(table.find("| Δ dev |"), std::string::npos) << table;
  EXPECT_NE(table.find("| random | full | 50.00 | -35.00 | 60.00 | -24.00 |"), std::string::npos) << table;
  EXPECT_EQ(error_of([&] { markdown_table(runs, "other"); }), "no run named 'other' to compare against");
}

TEST_F(Report, RunsThatShareANameAreOneRowWithMeanAndSd) {
  const std::vector<RunSummary> runs = {read_run(run("s1/full", "full", 0.80, 0.82, 5000000)),
                                        read_run(run("s1/lora", "lora", 0.78, 0.80, 40000)),
                                        read_run(run("s2/full", "full", 0.82, 0.84, 5000000)),
                                        read_run(run("s2/lora", "lora", 0.80, 0.81, 40000))};
  const std::string table = markdown_table(runs);
  EXPECT_NE(table.find("| run | method | runs | dev accuracy | Δ dev | test accuracy | Δ test |"), std::string::npos)
      << table;
  // sd of {80, 82} is sqrt(2); the gap is between the means, 80.5 - 83.
  EXPECT_NE(table.find("| full | full | 2 | 81.00 ± 1.41 | +0.00 | 83.00 ± 1.41 | +0.00 |"), std::string::npos)
      << table;
  EXPECT_NE(table.find("| lora | lora | 2 | 79.00 ± 1.41 | -2.00 | 80.50 ± 0.71 | -2.50 |"), std::string::npos)
      << table;
  const auto other = read_run(run("s3/lora", "bitfit", 0.7, 0.7, 900));
  EXPECT_EQ(error_of([&] { markdown_table({runs[1], other}); }),
            "runs named lora use different methods (lora, bitfit)");
}

TEST_F(Report, DevAndTestGapsComeEachFromTheirOwnSplit) {
  const nlohmann::json no_test = {{"test", nullptr}};
  const auto full = read_run(run("full", "full", 0.85, 0.84, 5000000));
  const auto lora = read_run(run("lora", "lora", 0.83, 0, 40000, "accuracy", 300, no_test));
  const auto bitfit = read_run(run("bitfit", "bitfit", 0.80, 0.81, 900));
  std::string table = markdown_table({full, lora, bitfit});
  EXPECT_NE(table.find("| run | method | dev accuracy | Δ dev | test accuracy | Δ test | trainable |"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("| full | full | 85.00 | +0.00 | 84.00 | +0.00 | 5.00M |"), std::string::npos) << table;
  // lora has no test score: its dev gap is still against full's dev, not against full's test.
  EXPECT_NE(table.find("| lora | lora | 83.00 | -2.00 | – | – | 40.0k |"), std::string::npos) << table;
  EXPECT_NE(table.find("| bitfit | bitfit | 80.00 | -5.00 | 81.00 | -3.00 | 900 |"), std::string::npos) << table;
  // A baseline without a test score gives no test gaps.
  const auto full_dev_only = read_run(run("dev-only/full", "full", 0.85, 0, 5000000, "accuracy", 300, no_test));
  table = markdown_table({full_dev_only, bitfit});
  EXPECT_NE(table.find("| bitfit | bitfit | 80.00 | -5.00 | 81.00 | – | 900 |"), std::string::npos) << table;
}

TEST_F(Report, RunsOfDifferentTasksAreSeparateRowsWithTheirOwnBaseline) {
  const auto on = [&](const std::string& task_id, const std::string& name, const std::string& method, double dev,
                      double test, const std::string& metric = "accuracy") {
    return read_run(run(name, method, dev, test, 40000, metric, 300, {{"task_id", task_id}}));
  };
  const std::string topic = "data/tasks/topic/train.tsv", sst2 = "data/sst2.tsv";
  const std::vector<RunSummary> runs = {on(topic, "topic/full", "full", 0.80, 0.82),
                                        on(sst2, "sst2/full", "full", 0.90, 0.91),
                                        on(topic, "topic/lora", "lora", 0.78, 0.80),
                                        on(sst2, "sst2/lora", "lora", 0.88, 0.90),
                                        on("data/nli/train.tsv", "nli/lora", "lora", 0.70, 0.71, "pearson")};
  const std::string table = markdown_table(runs);
  // Tasks select on different metrics, so the metric is a column rather than part of the split's header.
  EXPECT_NE(table.find("| task | metric | run | method | dev | Δ dev | test | Δ test | trainable |"), std::string::npos)
      << table;
  const auto at = [&](const std::string& row) {
    const auto found = table.find(row);
    EXPECT_NE(found, std::string::npos) << row << "\n" << table;
    return found;
  };
  // Rows grouped by task, in the order tasks first appear; each task's gaps are to its own full run.
  EXPECT_LT(at("| topic | accuracy | full | full | 80.00 | +0.00 | 82.00 | +0.00 |"),
            at("| topic | accuracy | lora | lora | 78.00 | -2.00 | 80.00 | -2.00 |"));
  EXPECT_LT(at("| topic | accuracy | lora |"), at("| sst2 | accuracy | full | full | 90.00 | +0.00 | 91.00 | +0.00 |"));
  EXPECT_LT(at("| sst2 | accuracy | full |"), at("| sst2 | accuracy | lora | lora | 88.00 | -2.00 | 90.00 | -1.00 |"));
  EXPECT_LT(at("| sst2 | accuracy | lora |"), at("| nli | pearson | lora | lora | 70.00 | – | 71.00 | – |"));
  // Runs of one task must share a metric.
  const auto other = on(topic, "topic2/lora", "lora", 0.7, 0.7, "pearson");
  EXPECT_NE(error_of([&] { markdown_table({runs[0], other}); }).find("different metrics"), std::string::npos);
  // Two tasks whose short labels collide are shown by their full task_id.
  const std::string collided = markdown_table({on("a/topic/train.tsv", "a/lora", "lora", 0.8, 0.8),
                                               on("b/topic/train.tsv", "b/lora", "lora", 0.7, 0.7)});
  EXPECT_NE(collided.find("| a/topic/train.tsv | lora |"), std::string::npos) << collided;
  EXPECT_NE(collided.find("| b/topic/train.tsv | lora |"), std::string::npos) << collided;
}

TEST_F(Report, ColumnsComeFromRunJsonByDottedPath) {
  const auto with_settings = [&](const std::string& name, const std::string& method, const nlohmann::json& settings) {
    const auto dir = run(name, method, 0.8, 0.8, 40000);
    scratch_.write(name + "/run.json", nlohmann::json{{"settings", settings}, {"seed", 42}}.dump());
    return read_run(dir);
  };
  const nlohmann::json targets = {"query", "value"};
  const std::vector<RunSummary> runs = {
      with_settings("s1/lora", "lora", {{"lr", 1e-3}, {"r", 8}, {"targets", targets}, {"note", "a|b"}}),
      with_settings("s2/lora", "lora", {{"lr", 2e-3}, {"r", 8}, {"targets", targets}, {"note", "a|b"}}),
      with_settings("houlsby", "houlsby", {{"lr", 1e-4}}), read_run(run("bitfit", "bitfit", 0.7, 0.69, 900))};
  const std::string table =
      markdown_table(runs, "", {"settings.lr", "settings.r", "settings.targets", "settings.note", "seed.x"});
  EXPECT_NE(table.find("| test accuracy | settings.lr | settings.r | settings.targets | settings.note | seed.x | "
                       "trainable |"),
            std::string::npos)
      << table;
  // The two lora runs disagree on lr; a '|' inside a value is escaped so the row keeps its columns.
  EXPECT_NE(table.find("| 80.00 ± 0.00 | mixed | 8 | [\"query\",\"value\"] | a\\|b | – | 40.0k |"), std::string::npos)
      << table;
  EXPECT_NE(table.find("| houlsby | houlsby | 1 | 80.00 | 80.00 | 0.0001 | – | – | – | – | 40.0k |"), std::string::npos)
      << table;
  // No run.json at all: every column is "–".
  EXPECT_NE(table.find("| bitfit | bitfit | 1 | 70.00 | 69.00 | – | – | – | – | – | 900 |"), std::string::npos)
      << table;
  scratch_.write("bitfit/run.json", "[1, 2");
  EXPECT_NE(error_of([&] { read_run(path("bitfit")); }).find(path("bitfit/run.json")), std::string::npos);
}

TEST_F(Report, PlotLabelsSayWhichSplitEachPointShows) {
  const auto full = read_run(run("full", "full", 0.85, 0.84, 5000000));
  const auto lora = read_run(run("lora", "lora", 0.83, 0, 40000, "accuracy", 300, {{"test", nullptr}}));
  auto plot = run_plot({full, lora}, "topic");
  ASSERT_EQ(plot.points.size(), 2u);
  EXPECT_EQ(plot.points[0].label, "full");
  EXPECT_DOUBLE_EQ(plot.points[0].y, 84);
  EXPECT_EQ(plot.points[1].label, "lora (dev)");
  EXPECT_DOUBLE_EQ(plot.points[1].y, 83);
  EXPECT_EQ(plot.options.y_label, "test accuracy (%), dev where marked (dev)");
  plot = run_plot({lora}, "topic");
  EXPECT_EQ(plot.points[0].label, "lora");
  EXPECT_EQ(plot.options.y_label, "dev accuracy (%)");
  // Over several tasks a label names its task.
  const auto other = read_run(run("sst2/full", "full", 0.9, 0.91, 5000000, "accuracy", 300,
                                  {{"task_id", "data/sst2.tsv"}}));
  plot = run_plot({full, other}, "two tasks");
  EXPECT_EQ(plot.points[1].label, "sst2: full");
  EXPECT_EQ(plot.options.y_label, "test accuracy (%)");
}

TEST_F(Report, PlotsAgainstARunSettingForASweep) {
  const auto with_tokens = [&](const std::string& name, const nlohmann::json& tokens) {
      run(name, "prompt_tuning", 0.7, 0.71, 5000);
    const nlohmann::json settings = {{"method", {{"config", {{"num_virtual_tokens", tokens}}}}}};
    scratch_.write(name + "/run.json", settings.dump());
    return read_run(path(name));
  };
  const std::string key = "method.config.num_virtual_tokens";
  const auto plot = run_plot({with_tokens("p5", 5), with_tokens("p20", 20)}, "sweep", key);
  ASSERT_EQ(plot.points.size(), 2u);
  EXPECT_DOUBLE_EQ(plot.points[1].x, 20);
  EXPECT_EQ(plot.options.x_label, "method.config.num_virtual_tokens (log scale)");
  EXPECT_FALSE(plot.options.x_percent);
  EXPECT_NE(error_of([&] { run_plot({with_tokens("p0", "five")}, "sweep", key); }).find("p0"), std::string::npos);
}

TEST_F(Report, PlotsAPng) {
  if (!peft::plot::png_plots_available()) GTEST_SKIP() << "built without Cairo";
  const std::vector<RunSummary> runs = {read_run(run("full", "full", 0.85, 0.84, 5000000)),
                                        read_run(run("lora", "lora", 0.83, 0.83, 40000))};
  plot_runs(path("figure.png"), runs, "topic");
  EXPECT_EQ(listing(), (std::vector<std::string>{"figure.png", "full", "lora"}));
}

TEST_F(Report, BadRunsAreErrorsNamingTheFile) {
  EXPECT_NE(error_of([&] { read_run(path("missing")); }).find(path("missing") + "/metrics.json"), std::string::npos);
  scratch_.dir("broken");
  scratch_.write("broken/metrics.json", "{\"method\": \"lora\"}");
  EXPECT_NE(error_of([&] { read_run(path("broken")); }).find(path("broken/metrics.json") + ": "), std::string::npos);
  const auto a = read_run(run("a", "lora", 0.8, 0.8, 10)), b = read_run(run("b", "lora", 0.8, 0.8, 10, "pearson"));
  EXPECT_NE(error_of([&] { markdown_table({a, b}); }).find("different metrics"), std::string::npos);
  EXPECT_EQ(error_of([&] { markdown_table({}); }), "no runs to report");
}

}  // namespace
}  // namespace peft::report
