#include "cli/run_record.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include <torch/version.h>

#include "io/file_hash.h"

namespace peft::cli {

std::string program_version() { return std::string("peft ") + PEFT_VERSION + " (LibTorch " + TORCH_VERSION + ")"; }

std::vector<std::string> command_line() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> args;
  for (size_t start = 0; start < all.size();) {
    const auto end = all.find('\0', start);
    args.push_back(all.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

nlohmann::json file_records(const std::vector<std::pair<std::string, std::string>>& files) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [role, path] : files)
    if (!path.empty())
      out[role] = {{"path", path},
                   {"bytes", std::filesystem::file_size(path)},
                   {"fingerprint", io::file_fingerprint(path)}};
  return out;
}

nlohmann::json run_record(nlohmann::json fields) {
  nlohmann::json record = {
      {"program", "peft"}, {"version", PEFT_VERSION}, {"libtorch", TORCH_VERSION}, {"command", command_line()}};
  record.update(fields);
  return record;
}

}  // namespace peft::cli
