// What a run records about itself in run.json, so it can be repeated and compared: the program and
// LibTorch versions, the command line, and fingerprints of the files it read.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace peft::cli {

std::string program_version();  // "peft 0.5.0 (LibTorch 1.13.0)"
std::vector<std::string> command_line();  // this process's argv
// {"path": ..., "bytes": ..., "fingerprint": "xxh3:..."} per (role, path); empty paths are skipped.
nlohmann::json file_records(const std::vector<std::pair<std::string, std::string>>& files);
// {"program": ..., "version": ..., "libtorch": ..., "command": [...]} plus `fields`.
nlohmann::json run_record(nlohmann::json fields);

}  // namespace peft::cli
