// Whole-or-nothing file writes: data goes to a temp file beside the target, then rename(2) replaces it,
// so a crash or error never leaves a half-written output.
#pragma once
#include <string>
#include <string_view>

namespace peft::io {

void write_file_atomic(const std::string& path, std::string_view bytes);
std::string read_file(const std::string& path);  // throws peft::Error naming the path

}  // namespace peft::io
