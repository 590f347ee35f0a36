#include "models/checkpoint.h"

#include <filesystem>

#include "core/error.h"
#include "io/atomic_file.h"

namespace fs = std::filesystem;

namespace peft::models {

TensorMap state_tensors(torch::nn::Module& module) {
  TensorMap out;
  for (auto& item : module.named_parameters()) out.emplace(item.key(), item.value());
  return out;
}

LoadReport load_state(torch::nn::Module& module, const TensorMap& tensors, const std::string& file,
                      const std::string& prefix, const std::function<bool(const std::string&)>& may_be_missing) {
  LoadReport report;
  std::set<std::string> used;
  std::vector<std::string> missing;
  torch::NoGradGuard no_grad;
  for (auto& item : module.named_parameters()) {
    const auto& name = item.key();
    auto it = tensors.find(name);
    if (it == tensors.end() && name.rfind(prefix + ".", 0) == 0) it = tensors.find(name.substr(prefix.size() + 1));
    if (it == tensors.end()) {
      (may_be_missing(name) ? report.initialised : missing).push_back(name);
      continue;
    }
    auto& param = item.value();
    if (it->second.sizes() != param.sizes() && may_be_missing(name)) {  // another task's head: start fresh
      report.initialised.push_back(name);
      used.insert(it->first);
      continue;
    }
    require(it->second.sizes() == param.sizes(),
            file + ": tensor '" + it->first + "' has shape " + c10::str(it->second.sizes()) + ", the model expects " +
                c10::str(param.sizes()));
    param.copy_(it->second);
    used.insert(it->first);
  }
  if (!missing.empty()) {
    std::string list;
    for (size_t i = 0; i < missing.size() && i < 3; ++i) list += (i ? ", " : "") + missing[i];
    throw Error(file + ": " + std::to_string(missing.size()) + " model tensor(s) missing, e.g. " + list);
  }
  for (const auto& [name, _] : tensors)
    if (!used.count(name)) report.unexpected.push_back(name);
  return report;
}

TaskModel load_task_model(const std::string& dir, const ModelSpec& spec, LoadReport* report) {
  const auto config_path = (fs::path(dir) / "config.json").string();
  const auto weights_path = (fs::path(dir) / "model.safetensors").string();
  require(fs::exists(config_path), dir + ": no config.json (expected an HF model directory)");
  require(fs::exists(weights_path), dir + ": no model.safetensors (only safetensors weights are read; convert "
                                          "pytorch_model.bin with HF's save_pretrained(safe_serialization=True))");
  auto config = ModelConfig::load(config_path);
  int64_t num_labels = spec.num_labels;
  if (num_labels == 0) num_labels = config.labels.empty() ? 2 : static_cast<int64_t>(config.labels.size());
  torch::manual_seed(spec.seed);
  TaskModel model(config, spec.kind, num_labels, spec.cloze);
  auto tensors = read_tensors(weights_path);
  const std::string pooler = std::string(config.prefix()) + ".pooler.";
  auto is_head = [&](const std::string& name) { return model->is_head_parameter(name) || name.rfind(pooler, 0) == 0; };
  auto r = load_state(*model, tensors, weights_path, config.prefix(), is_head);
  init_parameters(*model, config.initializer_range, [&](const std::string& name) {
    return std::find(r.initialised.begin(), r.initialised.end(), name) != r.initialised.end();
  });
  if (spec.kind == TaskKind::Cloze)
    for (const auto& name : r.initialised)
      require(!model->is_head_parameter(name), weights_path + ": has no masked-LM head ('" + name +
                                                   "' is missing): a cloze task (PET) scores its verbalizer with it");
  model->mark_fresh(r.initialised);
  if (report) *report = std::move(r);
  return model;
}

namespace {

const char* hf_dtype_name(torch::ScalarType type) {
  switch (type) {
    case torch::kFloat16: return "float16";
    case torch::kBFloat16: return "bfloat16";
    case torch::kFloat64: return "float64";
    default: return "float32";
  }
}

}  // namespace

void save_task_model(const std::string& dir, TaskModel& model, const std::vector<std::string>& labels) {
  fs::create_directories(dir);
  auto c = model->config();
  if (!labels.empty()) c.labels = labels;
  auto config = c.to_json();
  static const std::map<TaskKind, std::string> kHeads = {{TaskKind::SequenceClassification, "ForSequenceClassification"},
                                                        {TaskKind::Regression, "ForSequenceClassification"},
                                                        {TaskKind::TokenClassification, "ForTokenClassification"},
                                                        {TaskKind::MaskedLM, "ForMaskedLM"},
                                                        {TaskKind::Cloze, "ForMaskedLM"}};
  config["architectures"] = {std::string(c.family == Family::Bert ? "Bert" : "Roberta") + kHeads.at(model->kind())};
  if (model->kind() == TaskKind::Regression) config["problem_type"] = "regression";
  config["torch_dtype"] = hf_dtype_name(model->parameters().front().scalar_type());  // as written, not as read
  io::write_file_atomic((fs::path(dir) / "config.json").string(), config.dump(2) + "\n");
  write_tensors((fs::path(dir) / "model.safetensors").string(), state_tensors(*model), {{"format", "pt"}});
}

}  // namespace peft::models
