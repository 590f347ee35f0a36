// Entry point of the `peft` command: registers the subcommands, turns every error into one line on
// stderr and a non-zero exit code.
#include <iostream>

#include <c10/util/Exception.h>

#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "core/allocator.h"
#include "core/error.h"

int main(int argc, char** argv) {
  peft::cli::rerun_with_cpu_runtime_settings(argv);
  peft::keep_freed_memory_for_reuse();
  CLI::App app{"peft: parameter-efficient fine-tuning of Transformer models"};
  app.require_subcommand(1);
  peft::cli::add_train_command(app);
  peft::cli::add_eval_commands(app);
  peft::cli::add_model_commands(app);
  peft::cli::add_bench_command(app);
  peft::cli::add_pretrain_command(app);
  peft::cli::add_corpus_commands(app);
  peft::cli::add_vocab_command(app);
  peft::cli::add_report_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const peft::Error& e) {
    std::cerr << "peft: error: " << e.what() << "\n";
    return 1;
  } catch (const c10::Error& e) {
    std::cerr << "peft: error: " << e.what_without_backtrace() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "peft: internal error: " << e.what() << "\n";
    return 2;
  }
  return 0;
}
