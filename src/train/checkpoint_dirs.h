// Training checkpoints as whole folders, OUT/checkpoint-<step>: each is written under a .tmp name, every
// file and the folder fsynced, then renamed into place, so a kill at any moment leaves the last complete
// checkpoint (never one whose parts come from different steps).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace peft::train {

struct CheckpointDir {
  std::string path;
  int64_t step = 0;
};

// Complete checkpoints under out_dir, oldest first.
std::vector<CheckpointDir> list_checkpoints(const std::string& out_dir);
std::optional<CheckpointDir> latest_checkpoint(const std::string& out_dir);
// Removes the checkpoint-*.tmp folders a killed run left; returns their paths.
std::vector<std::string> remove_partial_checkpoints(const std::string& out_dir);

// A fresh, empty OUT/checkpoint-<step>.tmp to write the checkpoint's files into.
std::string begin_checkpoint(const std::string& out_dir, int64_t step);
// Syncs the folder begin_checkpoint gave, renames it to OUT/checkpoint-<step>, then drops every older
// checkpoint. Returns the final path.
std::string commit_checkpoint(const std::string& out_dir, int64_t step);
void remove_checkpoints(const std::string& out_dir);

}  // namespace peft::train
