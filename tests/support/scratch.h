// Helpers every test program shares: fixture paths, a fresh scratch directory per test (removed afterwards, so tests
// that write files never see each other's leftovers) and the message of the peft::Error a call throws.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.h"

namespace peft::test {

// A path inside tests/fixtures.
inline std::string fixture(const std::string& relative) { return std::string(PEFT_FIXTURES) + "/" + relative; }

// An empty directory named after the running test (or suite set-up), removed with the object.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = "peft-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
                       (test ? std::string(test->test_suite_name()) + "." + test->name() : "setup");
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised test names
    path_ = std::filesystem::temp_directory_path() / name;
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // The directory itself, or `name` inside it.
  std::string path(const std::string& name = "") const { return name.empty() ? path_.string() : (path_ / name).string(); }

  // A new empty subdirectory `name`.
  std::string dir(const std::string& name) const {
    std::filesystem::create_directories(path_ / name);
    return path(name);
  }

  // Writes `content` to `name` inside the directory and returns its path.
  std::string write(const std::string& name, const std::string& content) const {
    std::ofstream(path(name), std::ios::binary) << content;
    return path(name);
  }

  // Names in the directory, sorted: shows stray temp files.
  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::filesystem::path path_;
};

// A test fixture owning a TempDir.
class TempDirTest : public ::testing::Test {
 protected:
  std::string dir() const { return scratch_.path(); }
  std::string path(const std::string& name) const { return scratch_.path(name); }
  std::vector<std::string> listing() const { return scratch_.listing(); }

  TempDir scratch_;
};

// The message of the peft::Error that `f` throws, or "<no error>" when it throws none (other exception
// types propagate and fail the test).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "<no error>";
}

// Expects `f` to throw a peft::Error whose message contains `expected`.
template <class F>
void expect_error(F&& f, const std::string& expected) {
  const std::string message = error_of(std::forward<F>(f));
  EXPECT_NE(message.find(expected), std::string::npos) << "expected an error containing: " << expected
                                                      << "\ngot: " << message;
}

}  // namespace peft::test
