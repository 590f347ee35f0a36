// Entry point of the `peft` command: registers the subcommands and turns every error into one line on
// stderr. Exit status: 2 for what the user can fix (an option, a file, a value), 70 for a bug in peft,
// which asks for a report.
#include <filesystem>
#include <iostream>
#include <new>

#include <c10/util/Exception.h>

#include "cli/commands.h"
#include "cli/cpu_runtime.h"
#include "cli/run_record.h"
#include "core/allocator.h"
#include "core/error.h"

namespace {

constexpr int kUserError = 2, kInternalError = 70;  // 70: EX_SOFTWARE of sysexits.h

// "peft train" for a parse error inside `train`, so the pointer to --help names the right page.
std::string command_path(const CLI::App& app) {
  std::string path = "peft";
  for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
    sub = sub->get_subcommands().front();
    path += " " + sub->get_name();
  }
  return path;
}

int user_error(std::string message) {
  while (!message.empty() && message.back() == '\n') message.pop_back();
  for (auto& c : message)
    if (c == '\n') c = ' ';
  std::cerr << "peft: error: " << message << "\n";
  return kUserError;
}

}  // namespace

int main(int argc, char** argv) {
  peft::cli::rerun_with_cpu_runtime_settings(argv);
  peft::keep_freed_memory_for_reuse();
  CLI::App app{"peft: parameter-efficient fine-tuning of Transformer models"};
  app.set_version_flag("--version", peft::cli::program_version());
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
  } catch (const CLI::Success& e) {  // --help, --version
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return user_error(std::string(e.what()) + " (see `" + command_path(app) + " --help`)");
  } catch (const peft::Error& e) {
    return user_error(e.what());
  } catch (const c10::Error& e) {
    return user_error(e.what_without_backtrace());
  } catch (const std::filesystem::filesystem_error& e) {  // a folder that cannot be made, read or replaced
    return user_error(e.what());
  } catch (const std::bad_alloc&) {
    return user_error("out of memory (try a smaller --batch-size or --max-length)");
  } catch (const std::exception& e) {
    std::cerr << "peft: internal error: " << e.what() << "\n"
              << "peft: this is a bug in peft; please report it with the command that caused it\n";
    return kInternalError;
  }
  return 0;
}
