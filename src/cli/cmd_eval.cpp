// `peft eval` (metrics JSON on stdout) and `peft predict` (one JSON line per example with input_ids, raw
// logits and the predicted label, so outputs can be compared with another implementation).
#include <filesystem>
#include <sstream>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/output_guard.h"
#include "core/error.h"
#include "io/atomic_file.h"
#include "train/evaluate.h"

namespace peft::cli {
namespace {

struct EvalArgs {
  std::string model, adapter, data, output;
  int64_t batch_size = 64, max_length = 0;  // 0: the model's limit
  std::string precision;
  bool unmerged = false;
  DeviceOptions device;
  ColumnOptions columns;
};

nlohmann::json logits_json(const torch::Tensor& t) {
  if (t.dim() == 0) return t.item<double>();
  nlohmann::json out = nlohmann::json::array();
  for (int64_t i = 0; i < t.size(0); ++i) out.push_back(logits_json(t[i]));
  return out;
}

struct Evaluation {
  LoadedModel loaded;
  train::TaskData data;
  train::Predictions predictions;
  std::optional<torch::ScalarType> autocast;
};

Evaluation run_model(EvalArgs& a, const std::string& path) {
  const auto device = a.device.resolve();
  auto loaded = load_model(a.model, a.adapter, device, a.max_length);
  const auto autocast =
      train::autocast_dtype(resolve_precision_option(a.precision, device, loaded.model->config()).precision);
  // A mergeable adapter folded into the weights runs at the base model's cost.
  if (loaded.peft && loaded.peft->method->mergeable() && !a.unmerged) loaded.model->merge_sites();
  auto data = train::load_task_data(path, a.columns.columns, loaded.task, loaded.tokenizer);
  auto predictions =
      train::predict(*loaded.model, data, loaded.task, a.batch_size, device, loaded.tokenizer.pad_id(), autocast);
  return {std::move(loaded), std::move(data), std::move(predictions), autocast};
}

void run_predict(EvalArgs& a) {
  refuse_overlap("--out", a.output, {{"--model", a.model}, {"--adapter", a.adapter}, {"--input", a.data}});
  auto e = run_model(a, a.data);
  std::ostringstream out;
  for (size_t i = 0; i < e.data.features.size(); ++i) {
    nlohmann::json line = {{"text", e.data.texts[i]},
                           {"input_ids", e.data.features[i].input_ids},
                           {"logits", logits_json(e.predictions.logits[i])}};
    switch (e.loaded.task.kind) {
      case models::TaskKind::TokenClassification: line["tags"] = e.predictions.tags[i]; break;
      case models::TaskKind::Regression: line["score"] = e.predictions.scores[i]; break;
      default: line["label"] = e.loaded.task.labels.at(e.predictions.classes[i]);
    }
    out << line.dump() << "\n";
  }
  const auto folder = std::filesystem::path(a.output).parent_path();
  if (!folder.empty()) std::filesystem::create_directories(folder);
  io::write_file_atomic(a.output, out.str());
  std::fprintf(stderr, "wrote %zu predictions to %s\n", e.data.features.size(), a.output.c_str());
}

void add_common(CLI::App* cmd, EvalArgs& a) {
  cmd->add_option("--model", a.model, "HF model directory")->required();
  cmd->add_option("--adapter", a.adapter, "adapter directory from `peft train` (or HF PEFT)");
  cmd->add_option("--batch-size", a.batch_size, "examples per forward pass")->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--max-length", a.max_length, "tokens per example without an adapter (default: the model's limit)")
      ->check(CLI::PositiveNumber);
  add_precision_option(cmd, a.precision);
  cmd->add_flag("--unmerged", a.unmerged, "run a mergeable adapter (LoRA, ...) beside the weights, not folded in");
  a.device.add_to(cmd);
  a.columns.add_to(cmd);
}

}  // namespace

void add_eval_commands(CLI::App& app) {
  auto eval_args = std::make_shared<EvalArgs>();
  auto* eval = app.add_subcommand("eval", "score a model (+ adapter) on labelled data; metrics JSON on stdout");
  add_common(eval, *eval_args);
  eval->add_option("--data", eval_args->data, "labelled .tsv, .csv, .jsonl or .conll")->required();
  eval->callback([eval_args] {
    auto e = run_model(*eval_args, eval_args->data);
    require(e.data.has_labels, eval_args->data + ": has no labels to score against");
    nlohmann::json scores = train::score(e.predictions, e.data, e.loaded.task);
    const auto prompts = e.loaded.peft ? e.loaded.peft->method->prompt_copies() : 1;
    for (int64_t k = 0; k < prompts && prompts > 1; ++k) {  // an ensemble: each prompt alone, too
      const auto alone = train::predict(*e.loaded.model, e.data, e.loaded.task, eval_args->batch_size,
                                        e.loaded.model->parameters().front().device(), e.loaded.tokenizer.pad_id(),
                                        e.autocast, k);
      scores["prompts"].push_back(train::score(alone, e.data, e.loaded.task));
    }
    print_json(scores);
  });

  auto predict_args = std::make_shared<EvalArgs>();
  auto* predict = app.add_subcommand("predict", "write one JSON line per example: input_ids, logits, label");
  add_common(predict, *predict_args);
  predict->add_option("--input", predict_args->data, "examples (labels optional)")->required();
  predict->add_option("--out,--output", predict_args->output, "JSONL file to write (its folder is made)")->required();
  predict->callback([predict_args] { run_predict(*predict_args); });
}

}  // namespace peft::cli
