// Options shared by several subcommands (device, threads, data columns, --set key=value) and the loading
// steps they share: a base model with or without an adapter, plus its tokenizer.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "data/columns.h"
#include "methods/peft_model.h"
#include "text/wordpiece_tokenizer.h"
#include "train/precision.h"

namespace peft::cli {

struct DeviceOptions {
  std::string device = "auto";
  int threads = 0;
  void add_to(CLI::App* app);
  torch::Device resolve() const;  // also applies --threads and warns when CPU matrix maths is slow
};

struct ColumnOptions {
  data::Columns columns;
  void add_to(CLI::App* app);
};

// "--set key=value" pairs into a JSON object; values parse as JSON when they can ("8", "true", "[1]"),
// "a,b" becomes a list of strings, anything else stays a string. "lora.r=8" sets {"lora": {"r": 8}}: an
// option of one member of a union (houlsby+lora).
nlohmann::json parse_sets(const std::vector<std::string>& sets);

// The model directory's tokenizer, refused when it could produce an id the model's embedding lacks.
text::WordPieceTokenizer load_tokenizer(const std::string& model_dir, const models::ModelConfig& config);
// What methods read from the tokenizer (ids of a text, the [MASK] id); it must outlive the result.
methods::TextIds text_ids(const text::WordPieceTokenizer& tokenizer);

// The head config.json names (architectures), or std::nullopt when it names none this program has.
std::optional<models::TaskKind> head_in_config(const models::ModelConfig& config);

// A model ready to run: the base (from --model), the adapter on it when one was given, and what task it does.
struct LoadedModel {
  std::optional<methods::PeftModel> peft;  // with --adapter
  models::TaskModel model{nullptr};
  methods::TaskInfo task;
  text::WordPieceTokenizer tokenizer;
};
LoadedModel load_model(const std::string& model_dir, const std::string& adapter_dir, const torch::Device& device,
                       int64_t max_length);

// --precision f32|bf16|auto (train/precision.h) into `precision`, "auto" by default; resolve it with
// resolve_precision_option.
void add_precision_option(CLI::App* app, std::string& precision);
// --precision made concrete for this machine and a model of this shape; "auto" prints what it chose and why.
train::PrecisionChoice resolve_precision_option(const std::string& requested, const torch::Device& device,
                                                const models::ModelConfig& config);

void print_json(const nlohmann::json& j);

}  // namespace peft::cli
