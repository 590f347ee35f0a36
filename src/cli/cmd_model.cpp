// `peft info` (architecture, parameter counts, trainable share, adapter size) and `peft merge` (fold a
// mergeable adapter into the base and write a plain HF model directory).
#include <algorithm>
#include <filesystem>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output_guard.h"
#include "core/error.h"
#include "methods/registry.h"
#include "models/checkpoint.h"

namespace fs = std::filesystem;

namespace peft::cli {
namespace {

struct ModelArgs {
  std::string model, adapter, out;
  DeviceOptions device;
};

// The base alone: what it is, what its checkpoint holds, and where methods can attach.
void run_base_info(const ModelArgs& a) {
  a.device.resolve();
  const auto config = models::ModelConfig::load(a.model + "/config.json");
  const auto tokenizer = load_tokenizer(a.model, config);
  const auto head = head_in_config(config);
  models::LoadReport report;
  const auto kind = head.value_or(models::TaskKind::SequenceClassification);
  auto model = models::load_task_model(a.model, {kind, 0, 0}, &report);
  int64_t parameters = 0;
  for (auto& item : model->named_parameters())
    if (std::find(report.initialised.begin(), report.initialised.end(), item.key()) == report.initialised.end())
      parameters += item.value().numel();
  nlohmann::json info = {{"model_type", config.model_type()},
                         {"architecture", config.original.value("architectures", nlohmann::json::array())},
                         {"head", head ? models::task_kind_name(*head) : "none"},
                         {"hidden_size", config.hidden_size},
                         {"num_hidden_layers", config.num_hidden_layers},
                         {"num_attention_heads", config.num_attention_heads},
                         {"intermediate_size", config.intermediate_size},
                         {"max_tokens", config.max_tokens()},
                         {"vocab_size", config.vocab_size},
                         {"tokenizer", {{"type", "WordPiece"}, {"vocab_size", tokenizer.vocab_size()}}},
                         {"parameters", parameters},
                         {"weights_bytes", fs::file_size(fs::path(a.model) / "model.safetensors")},
                         {"sites", {{"linear", model->linear_sites().size()},
                                    {"embedding", model->embedding_sites().size()},
                                    {"branch", model->branch_sites().size()}}},
                         {"base_fingerprint", methods::fingerprint(*model)}};
  print_json(info);
}

void run_info(const ModelArgs& a) {
  if (a.adapter.empty()) return run_base_info(a);
  auto loaded = load_model(a.model, a.adapter, a.device.resolve(), 0);
  const auto& c = loaded.model->config();
  nlohmann::json info = {{"model_type", c.model_type()},
                         {"hidden_size", c.hidden_size},
                         {"num_hidden_layers", c.num_hidden_layers},
                         {"num_attention_heads", c.num_attention_heads},
                         {"intermediate_size", c.intermediate_size},
                         {"vocab_size", c.vocab_size},
                         {"tokenizer_vocab_size", loaded.tokenizer.vocab_size()},
                         {"task", models::task_kind_name(loaded.task.kind)},
                         {"labels", loaded.task.labels}};
  const auto counts = loaded.peft->count_parameters();
  info["method"] = loaded.peft->method->method_name();
  info["base_parameters"] = counts.base;
  info["added_parameters"] = counts.added;
  info["trainable_parameters"] = counts.trainable;
  info["trainable_share"] = counts.share();
  info["adapter_bytes"] = fs::file_size(fs::path(a.adapter) / "adapter_model.safetensors");
  info["base_fingerprint"] = loaded.peft->base_fingerprint();
  print_json(info);
}

void run_merge(const ModelArgs& a) {
  refuse_overlap("--out", a.out, {{"--model", a.model}, {"--adapter", a.adapter}});
  auto loaded = load_model(a.model, a.adapter, a.device.resolve(), 0);
  auto& method = *loaded.peft->method;
  require(method.mergeable() || !method.own_tensors().size(),
          std::string(method.method_name()) + " adapters add layers that cannot be folded into the base weights");
  loaded.model->merge_sites();
  models::save_task_model(a.out, loaded.model, loaded.task.labels);
  for (const char* f : {"vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"})
    if (fs::exists(fs::path(a.model) / f))
      fs::copy_file(fs::path(a.model) / f, fs::path(a.out) / f, fs::copy_options::overwrite_existing);
  std::fprintf(stderr, "merged %s into %s\n", method.method_name(), a.out.c_str());
}

}  // namespace

void add_model_commands(CLI::App& app) {
  auto info_args = std::make_shared<ModelArgs>();
  auto* info = app.add_subcommand("info", "architecture, parameter counts, trainable share, adapter size");
  info->add_option("--model", info_args->model, "HF model directory")->required();
  info->add_option("--adapter", info_args->adapter, "adapter directory");
  info_args->device.add_to(info);
  info->callback([info_args] { run_info(*info_args); });

  auto merge_args = std::make_shared<ModelArgs>();
  auto* merge = app.add_subcommand("merge", "fold an adapter into the base; writes a plain HF model directory");
  merge->add_option("--model", merge_args->model, "HF model directory")->required();
  merge->add_option("--adapter", merge_args->adapter, "adapter directory")->required();
  merge->add_option("--out", merge_args->out, "output model directory")->required();
  merge_args->device.add_to(merge);
  merge->callback([merge_args] { run_merge(*merge_args); });
}

}  // namespace peft::cli
