// The `peft` subcommands: each add_*_command registers its options on the app and the code it runs.
// main.cpp calls every one of them, in the order they appear in `peft --help`.
#pragma once
#include <CLI/CLI.hpp>

namespace peft::cli {

void add_train_command(CLI::App& app);
void add_eval_commands(CLI::App& app);   // eval, predict
void add_model_commands(CLI::App& app);  // info, merge
void add_bench_command(CLI::App& app);
void add_pretrain_command(CLI::App& app);
void add_corpus_commands(CLI::App& app);  // corpus, tasks
void add_vocab_command(CLI::App& app);
void add_report_command(CLI::App& app);

}  // namespace peft::cli
