// Whole-or-nothing file writes: data goes to a temp file beside the target, is fsynced, then rename(2)
// replaces the target and the folder is fsynced, so neither a crash nor a power cut leaves a half-written
// output. Folders are made whole the same way (atomic_dir.h).
#pragma once
#include <string>
#include <string_view>

namespace peft::io {

void write_file_atomic(const std::string& path, std::string_view bytes);
std::string read_file(const std::string& path);  // throws peft::Error naming the path
// fsync of a file or a folder (a folder's entries: a rename is durable once its folder is synced).
void sync_path(const std::string& path);

}  // namespace peft::io
