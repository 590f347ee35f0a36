// Shared helpers of the text tests: fixture paths, fresh temporary directories, and the message of the
// peft::Error a call throws.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "core/error.h"

namespace peft::text::testing {

inline std::string tokenizer_fixture(const std::string& name) {
  return std::string(PEFT_FIXTURES) + "/tokenizers/" + name;
}

// An empty directory named after the running test, removed and re-created on each call.
inline std::string fresh_dir(const std::string& name) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("peft_text_" + std::to_string(::getpid()) + "_" + test->name() + "_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

// The message of the peft::Error that `f` throws, or "" when it throws none.
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const peft::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace peft::text::testing
