#include "cli/options.h"

#include <algorithm>
#include <iostream>

#include "cli/cpu_runtime.h"
#include "core/error.h"
#include "models/checkpoint.h"

namespace peft::cli {
namespace {

std::string architecture(const models::ModelConfig& config) {
  const auto& list = config.original.value("architectures", nlohmann::json());
  return list.is_array() && !list.empty() && list[0].is_string() ? list[0].get<std::string>() : "";
}

models::TaskKind kind_from_config(const models::ModelConfig& config) {
  const auto kind = head_in_config(config);
  if (kind && *kind != models::TaskKind::MaskedLM) return *kind;
  const auto arch = architecture(config);
  throw Error("config.json: architectures names no task head (" + (arch.empty() ? "none" : arch) +
              "); pass --adapter with a trained adapter");
}

}  // namespace

std::optional<models::TaskKind> head_in_config(const models::ModelConfig& config) {
  const auto arch = architecture(config);
  if (arch.find("ForTokenClassification") != std::string::npos) return models::TaskKind::TokenClassification;
  if (arch.find("ForSequenceClassification") != std::string::npos)
    return config.original.value("problem_type", "") == "regression" ? models::TaskKind::Regression
                                                                      : models::TaskKind::SequenceClassification;
  if (arch.find("ForMaskedLM") != std::string::npos) return models::TaskKind::MaskedLM;
  return std::nullopt;
}

text::WordPieceTokenizer load_tokenizer(const std::string& model_dir, const models::ModelConfig& config) {
  auto tokenizer = text::WordPieceTokenizer::load(model_dir);
  require(static_cast<int64_t>(tokenizer.vocab_size()) <= config.vocab_size,
          model_dir + ": the tokenizer has " + std::to_string(tokenizer.vocab_size()) +
              " tokens but config.json's vocab_size is " + std::to_string(config.vocab_size) +
              ": ids past it would have no embedding");
  return tokenizer;
}

void DeviceOptions::add_to(CLI::App* app) {
  app->add_option("--device", device, "cpu, cuda or auto (cuda when present)")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  app->add_option("--threads", threads, "CPU threads for tensor maths (0: every CPU this process may use)");
}

torch::Device DeviceOptions::resolve() const {
  // Every usable CPU by default: Debian's LibTorch alone starts one intra-op thread on a 2-core machine,
  // which leaves half of it idle.
  const int n = threads > 0 ? threads : usable_cpus();
  set_cpu_threads(n);
  if (device == "cuda" || (device == "auto" && torch::cuda::is_available())) {
    require(torch::cuda::is_available(), "--device cuda: no CUDA device is available to this LibTorch");
    return torch::Device(torch::kCUDA);
  }
  warn_if_reference_blas();
  return torch::Device(torch::kCPU);
}

void ColumnOptions::add_to(CLI::App* app) {
  app->add_option("--text-a", columns.text_a, "column (or JSON key) of the first text; default: detected");
  app->add_option("--text-b", columns.text_b, "column of the second text of a pair; default: detected");
  app->add_option("--label", columns.label, "column of the label; default: detected");
}

methods::TextIds text_ids(const text::WordPieceTokenizer& tokenizer) {
  int64_t mask = -1;  // a vocabulary without one: PET says so when it needs it
  try {
    mask = tokenizer.mask_id();
  } catch (const Error&) {
  }
  return {[&tokenizer](const std::string& text) { return tokenizer.tokenize(text); }, mask, tokenizer.unk_id()};
}

nlohmann::json parse_sets(const std::vector<std::string>& sets) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& s : sets) {
    const auto eq = s.find('=');
    require(eq != std::string::npos && eq > 0, "--set '" + s + "': expected key=value");
    const auto key = s.substr(0, eq), value = s.substr(eq + 1);
    // "lora.r": the option r of the member lora of a union (houlsby+lora).
    const auto dot = key.find('.');
    auto* options = &out;
    if (dot != std::string::npos) {
      options = &out[key.substr(0, dot)];
      require(options->is_null() || options->is_object(),
              "--set '" + s + "': '" + key.substr(0, dot) + "' was set to a value");
    }
    auto& slot = (*options)[dot == std::string::npos ? key : key.substr(dot + 1)];
    auto parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_discarded()) {
      slot = parsed;
    } else if (value.find(',') != std::string::npos) {
      nlohmann::json list = nlohmann::json::array();
      std::stringstream ss(value);
      for (std::string item; std::getline(ss, item, ',');) list.push_back(item);
      slot = list;
    } else {
      slot = value;
    }
  }
  return out;
}

LoadedModel load_model(const std::string& model_dir, const std::string& adapter_dir, const torch::Device& device,
                       int64_t max_length) {
  const auto config = models::ModelConfig::load(model_dir + "/config.json");
  LoadedModel loaded{std::nullopt, nullptr, {}, load_tokenizer(model_dir, config)};
  models::ModelSpec spec;
  if (!adapter_dir.empty()) {
    auto adapter_config = methods::read_adapter_config(adapter_dir);
    loaded.task = methods::adapter_task(adapter_dir, adapter_config);
    spec.kind = loaded.task.kind;
    spec.num_labels = static_cast<int64_t>(loaded.task.labels.size());
    if (loaded.task.cloze) spec.cloze = loaded.task.cloze->tokens(text_ids(loaded.tokenizer), adapter_dir);
  } else {
    loaded.task.kind = spec.kind = kind_from_config(config);
    loaded.task.labels = config.labels;
    loaded.task.max_length = max_length;
  }
  auto model = models::load_task_model(model_dir, spec);
  const auto limit = model->config().max_tokens();
  loaded.task.max_length = loaded.task.max_length > 0 ? std::min(loaded.task.max_length, limit) : limit;
  if (loaded.task.labels.empty() && loaded.task.kind != models::TaskKind::Regression)
    loaded.task.labels = model->config().labels;  // an HF adapter: class names from the base config
  if (loaded.task.labels.empty() && loaded.task.kind != models::TaskKind::Regression)
    for (int64_t i = 0; i < model->num_labels(); ++i) loaded.task.labels.push_back("LABEL_" + std::to_string(i));
  model->to(device);
  if (!adapter_dir.empty()) {
    loaded.peft.emplace(methods::PeftModel::load_adapter(model, adapter_dir));
    loaded.model = loaded.peft->model;
    // Virtual tokens take positions too (an HF adapter's max_length is the model's whole table).
    loaded.task.max_length = std::min(loaded.task.max_length, limit - loaded.peft->method->positions_taken());
    require(loaded.task.max_length > 2, adapter_dir + ": its virtual tokens leave no positions for input");
  } else {
    loaded.model = model;
  }
  loaded.model->eval();
  return loaded;
}

void add_precision_option(CLI::App* app, std::string& precision) {
  precision = "auto";
  app->add_option("--precision", precision,
                  "f32; bf16: mixed precision (autocast); auto: bf16 where this hardware multiplies it faster "
                  "(CUDA, AMX, AVX512-BF16 when a probe shows it)")
      ->check(CLI::IsMember({"f32", "bf16", "auto"}))
      ->capture_default_str();
}

train::PrecisionChoice resolve_precision_option(const std::string& requested, const torch::Device& device,
                                                const models::ModelConfig& config) {
  auto choice = train::resolve_precision(requested, device, config);
  if (requested == "auto") std::fprintf(stderr, "precision %s (%s)\n", choice.precision.c_str(), choice.reason.c_str());
  return choice;
}

void print_json(const nlohmann::json& j) { std::cout << j.dump(2) << std::endl; }

}  // namespace peft::cli
