// `peft info` (architecture, parameter counts, trainable share, adapter size) and `peft merge` (fold a
// mergeable adapter into the base and write a plain HF model directory).
#include <filesystem>

#include "cli/commands.h"
#include "cli/options.h"
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

void run_info(const ModelArgs& a) {
  auto loaded = load_model(a.model, a.adapter, a.device.resolve(), 128);
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
  if (loaded.peft) {
    const auto counts = loaded.peft->count_parameters();
    info["method"] = loaded.peft->method->method_name();
    info["base_parameters"] = counts.base;
    info["added_parameters"] = counts.added;
    info["trainable_parameters"] = counts.trainable;
    info["trainable_share"] = counts.share();
    info["adapter_bytes"] = fs::file_size(fs::path(a.adapter) / "adapter_model.safetensors");
    info["base_fingerprint"] = loaded.peft->base_fingerprint();
  } else {
    int64_t total = 0;
    for (auto& p : loaded.model->parameters()) total += p.numel();
    info["parameters"] = total;
    info["base_fingerprint"] = methods::fingerprint(*loaded.model);
  }
  print_json(info);
}

void run_merge(const ModelArgs& a) {
  auto loaded = load_model(a.model, a.adapter, a.device.resolve(), 128);
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
