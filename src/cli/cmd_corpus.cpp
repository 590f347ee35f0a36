// The `peft corpus` and `peft tasks build` commands: build the pretraining corpus and the five
// downstream tasks from the installed WordNet, fortune and GCIDE packages, then print their sizes.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/output_guard.h"
#include "corpus/corpus.h"
#include "corpus/tasks.h"

namespace peft::cli {
namespace {

void add_source_options(CLI::App& command, corpus::Sources& sources) {
  command.add_option("--wordnet", sources.wordnet_dir, "WordNet database directory (apt package wordnet-base)")
      ->capture_default_str();
  command.add_option("--fortunes", sources.fortunes_dir, "fortune files directory (apt package fortunes)")
      ->capture_default_str();
}

}  // namespace

void add_corpus_commands(CLI::App& app) {
  // Options live in shared state: CLI11 writes into them at parse time, after this function returns.
  auto sources = std::make_shared<corpus::Sources>();
  auto corpus_out = std::make_shared<std::string>();
  auto tasks_out = std::make_shared<std::string>();

  CLI::App* corpus_cmd = app.add_subcommand("corpus", "Build the plain-text pretraining corpus (one text per line)");
  add_source_options(*corpus_cmd, *sources);
  corpus_cmd->add_option("--gcide", sources->gcide_path, "GCIDE dictionary, dictd text (apt package dict-gcide); '' leaves it out")
      ->capture_default_str();
  corpus_cmd->add_option("--out", *corpus_out, "output text file")->required();
  corpus_cmd->callback([sources, corpus_out] {
    refuse_overlap("--out", *corpus_out, {{"--wordnet", sources->wordnet_dir}, {"--fortunes", sources->fortunes_dir},
                                          {"--gcide", sources->gcide_path}});
    const corpus::CorpusStats s = corpus::build_corpus(*sources, *corpus_out);
    std::printf("%s: %zu lines (%zu WordNet, %zu fortunes, %zu GCIDE), %zu words, %zu bytes; %zu held-out texts left out\n",
                corpus_out->c_str(), s.lines, s.wordnet_lines, s.fortune_lines, s.gcide_lines, s.words, s.bytes,
                s.held_out);
  });

  CLI::App* tasks_cmd = app.add_subcommand("tasks", "Downstream tasks");
  tasks_cmd->require_subcommand(1);
  CLI::App* build_cmd = tasks_cmd->add_subcommand("build", "Build the five downstream tasks and tasks.json");
  add_source_options(*build_cmd, *sources);
  build_cmd->add_option("--out", *tasks_out, "output directory")->required();
  build_cmd->callback([sources, tasks_out] {
    refuse_overlap("--out", *tasks_out, {{"--wordnet", sources->wordnet_dir}, {"--fortunes", sources->fortunes_dir}});
    const corpus::TaskStats stats = corpus::build_tasks(*sources, *tasks_out);
    for (const corpus::TaskSummary& t : stats.tasks)
      std::printf("%-10s train %6zu  dev %5zu  test %5zu  labels %2zu  %8ju bytes\n", t.name.c_str(), t.sizes[0],
                  t.sizes[1], t.sizes[2], t.num_labels, t.bytes);
    std::printf("%s: %ju bytes in all\n", tasks_out->c_str(), stats.total_bytes);
  });
}

}  // namespace peft::cli
