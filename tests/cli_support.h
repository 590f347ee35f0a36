// What the end-to-end tests of the `peft` command share: running it, and a tiny two-class task.
#pragma once
#include <cstdlib>
#include <sstream>
#include <string>

#include "io/atomic_file.h"
#include "test_support.h"

namespace peft::testing {

struct CliRun {
  int exit_code;
  std::string out, err;
};

// `peft ARGS`, with environment variables when `env` names some ("NAME=value ...").
inline CliRun peft_cli(const TempDir& dir, const std::string& args, const std::string& env = "") {
  const auto out = dir.path("stdout"), err = dir.path("stderr");
  const int status =
      std::system((env + " " + std::string(PEFT_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
  return {WEXITSTATUS(status), io::read_file(out), io::read_file(err)};
}

// Two classes told apart by their words; the fixture's WordPiece vocab knows them.
inline void write_task(const std::string& path, int n, int offset) {
  const char* animal[] = {"the fox is a small wild animal", "a quick brown fox jumps", "the lazy dog sleeps",
                          "what is a fox"};
  const char* tech[] = {"computers are fast", "programmers are slow", "unix is simple",
                        "it takes a genius to understand computers"};
  std::ostringstream s;
  s << "sentence\tlabel\n";
  for (int i = 0; i < n; ++i) {
    const int k = (i / 2 + offset) % 4;
    s << (i % 2 ? animal[k] : tech[k]) << "\t" << (i % 2 ? "animal" : "tech") << "\n";
  }
  io::write_file_atomic(path, s.str());
}

}  // namespace peft::testing
