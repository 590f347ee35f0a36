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
  // A run directory `name` with a metrics.json as `peft train` writes it.
  std::string run(const std::string& name, const std::string& method, double dev, double test, int64_t trainable,
                  const std::string& metric = "accuracy", int64_t steps = 300) {
    const nlohmann::json metrics = {{"method", method},
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
  EXPECT_NE(table.find("| run | method | dev accuracy | test accuracy | Δ vs full |"), std::string::npos) << table;
  EXPECT_NE(table.find("| full | full | 85.00 | 84.00 | +0.00 | 5.00M | 100% | 20.0 MB | 300 | 61 s |"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("| lora-r8 | lora | 83.00 | 83.25 | -0.75 | 40.0k | 0.8% | 160.9 kB | 450 | 61 s |"),
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
  EXPECT_NE(table.find("| Δ vs pretrained |"), std::string::npos) << table;
  EXPECT_NE(table.find("| random | full | 50.00 | 60.00 | -24.00 |"), std::string::npos) << table;
  EXPECT_EQ(error_of([&] { markdown_table(runs, "other"); }), "no run named 'other' to compare against");
}

TEST_F(Report, RunsThatShareANameAreOneRowWithMeanAndSd) {
  const std::vector<RunSummary> runs = {read_run(run("s1/full", "full", 0.80, 0.82, 5000000)),
                                        read_run(run("s1/lora", "lora", 0.78, 0.80, 40000)),
                                        read_run(run("s2/full", "full", 0.82, 0.84, 5000000)),
                                        read_run(run("s2/lora", "lora", 0.80, 0.81, 40000))};
  const std::string table = markdown_table(runs);
  EXPECT_NE(table.find("| run | method | runs | dev accuracy | test accuracy | Δ vs full |"), std::string::npos)
      << table;
  // sd of {80, 82} is sqrt(2); the gap is between the means, 80.5 - 83.
  EXPECT_NE(table.find("| full | full | 2 | 81.00 ± 1.41 | 83.00 ± 1.41 | +0.00 |"), std::string::npos) << table;
  EXPECT_NE(table.find("| lora | lora | 2 | 79.00 ± 1.41 | 80.50 ± 0.71 | -2.50 |"), std::string::npos) << table;
  const auto other = read_run(run("s3/lora", "bitfit", 0.7, 0.7, 900));
  EXPECT_EQ(error_of([&] { markdown_table({runs[1], other}); }),
            "runs named lora use different methods (lora, bitfit)");
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
