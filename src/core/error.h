// One error type for everything a user can get wrong (bad file, field, option): its message is the
// one line the CLI prints before exiting non-zero.
#pragma once
#include <stdexcept>
#include <string>

namespace peft {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws Error(message) when the condition is false; for checks on user input, not internal invariants.
inline void require(bool ok, const std::string& message) {
  if (!ok) throw Error(message);
}

}  // namespace peft
