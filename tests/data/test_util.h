// Helpers for the data tests: a scratch directory for input files written by the test itself, and
// capture of a peft::Error's message.
#pragma once
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "core/error.h"
#include "io/atomic_file.h"

namespace peft::test {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "peft-data-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string path(const std::string& name) const { return (path_ / name).string(); }
  // Writes `content` to `name` inside the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    io::write_file_atomic(path(name), content);
    return path(name);
  }

 private:
  std::filesystem::path path_;
};

// The message of the peft::Error that `f` throws, or "<no error>".
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

}  // namespace peft::test
