#include "train/checkpoint_dirs.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "io/atomic_file.h"

namespace fs = std::filesystem;

namespace peft::train {
namespace {

const std::string kPrefix = "checkpoint-", kPartial = ".tmp";

std::string final_path(const std::string& out_dir, int64_t step) {
  return (fs::path(out_dir) / (kPrefix + std::to_string(step))).string();
}

// The step of a folder named checkpoint-<digits>, if it is one.
std::optional<int64_t> step_of(const std::string& name) {
  if (name.rfind(kPrefix, 0) != 0 || name.size() == kPrefix.size() || name.size() > kPrefix.size() + 18)
    return std::nullopt;
  const auto digits = name.substr(kPrefix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::stoll(digits);
}

}  // namespace

std::vector<CheckpointDir> list_checkpoints(const std::string& out_dir) {
  std::vector<CheckpointDir> found;
  if (!fs::is_directory(out_dir)) return found;
  for (const auto& entry : fs::directory_iterator(out_dir))
    if (const auto step = step_of(entry.path().filename().string()); step && entry.is_directory())
      found.push_back({entry.path().string(), *step});
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.step < b.step; });
  return found;
}

std::optional<CheckpointDir> latest_checkpoint(const std::string& out_dir) {
  auto all = list_checkpoints(out_dir);
  if (all.empty()) return std::nullopt;
  return all.back();
}

std::vector<std::string> remove_partial_checkpoints(const std::string& out_dir) {
  std::vector<std::string> removed;
  if (!fs::is_directory(out_dir)) return removed;
  for (const auto& entry : fs::directory_iterator(out_dir)) {
    const auto name = entry.path().filename().string();
    if (name.size() > kPartial.size() && name.compare(name.size() - kPartial.size(), kPartial.size(), kPartial) == 0 &&
        step_of(name.substr(0, name.size() - kPartial.size())))
      removed.push_back(entry.path().string());
  }
  for (const auto& path : removed) fs::remove_all(path);
  return removed;
}

std::string begin_checkpoint(const std::string& out_dir, int64_t step) {
  const auto tmp = final_path(out_dir, step) + kPartial;
  fs::remove_all(tmp);
  fs::create_directories(tmp);
  return tmp;
}

std::string commit_checkpoint(const std::string& out_dir, int64_t step) {
  const auto tmp = final_path(out_dir, step) + kPartial, path = final_path(out_dir, step);
  for (const auto& entry : fs::directory_iterator(tmp)) io::sync_path(entry.path().string());
  io::sync_path(tmp);
  fs::remove_all(path);  // a checkpoint of the same step from an earlier, resumed-over run
  std::error_code ec;
  fs::rename(tmp, path, ec);
  require(!ec, tmp + ": cannot rename into place: " + ec.message());
  io::sync_path(out_dir);
  for (const auto& old : list_checkpoints(out_dir))
    if (old.step != step) fs::remove_all(old.path);
  return path;
}

void remove_checkpoints(const std::string& out_dir) {
  for (const auto& c : list_checkpoints(out_dir)) fs::remove_all(c.path);
}

}  // namespace peft::train
