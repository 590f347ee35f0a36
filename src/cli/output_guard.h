// Refuses outputs that could overwrite an input, before anything is written: an output path that is, lies
// inside or contains an input path (`peft merge --out` equal to `--model` would destroy the base).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace peft::cli {

// `inputs` are (option, path) pairs; empty paths are skipped. Throws peft::Error naming both options.
void refuse_overlap(const std::string& output_option, const std::string& output,
                    const std::vector<std::pair<std::string, std::string>>& inputs);

}  // namespace peft::cli
