#include "cli/output_guard.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"

namespace fs = std::filesystem;

namespace peft::cli {
namespace {

// Absolute, with links and "..": resolved as far as the path exists (an output often does not yet).
fs::path resolved(const std::string& path) { return fs::weakly_canonical(fs::absolute(path)).lexically_normal(); }

// True when `inner` is `outer` or lies below it.
bool within(const fs::path& inner, const fs::path& outer) {
  auto o = outer.begin(), i = inner.begin();
  for (; o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

void refuse_overlap(const std::string& output_option, const std::string& output,
                    const std::vector<std::pair<std::string, std::string>>& inputs) {
  if (output.empty()) return;
  const auto out = resolved(output);
  for (const auto& [option, path] : inputs) {
    if (path.empty()) continue;
    const auto in = resolved(path);
    const char* how = out == in ? "is" : within(out, in) ? "lies inside" : within(in, out) ? "contains" : nullptr;
    if (how)
      throw Error(output_option + " " + output + " " + how + " " + option + " " + path +
                  ": writing there could overwrite an input; choose another " + output_option);
  }
}

}  // namespace peft::cli
