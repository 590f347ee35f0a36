#include "methods/peft_model.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "io/atomic_file.h"
#include "methods/registry.h"

namespace fs = std::filesystem;

namespace peft::methods {
namespace {

const std::string kRoot = "base_model.model.";
const char* kConfigFile = "adapter_config.json";
const char* kWeightsFile = "adapter_model.safetensors";

// HF PEFT's task_type for the head (MLM has none: HF loads such adapters as a plain PeftModel).
nlohmann::json hf_task_type(models::TaskKind kind) {
  switch (kind) {
    case models::TaskKind::SequenceClassification:
    case models::TaskKind::Regression: return "SEQ_CLS";
    case models::TaskKind::TokenClassification: return "TOKEN_CLS";
    case models::TaskKind::MaskedLM: return nullptr;
  }
  return nullptr;
}

// HF PEFT's modules_to_save: the method's own list plus every module whose tensors train in full because
// they are the head or were missing from the checkpoint (a fresh pooler: "pooler").
nlohmann::json modules_to_save(const nlohmann::json& listed, models::TaskModelImpl& model) {
  std::vector<std::string> names;
  if (listed.is_array())
    for (const auto& n : listed) names.push_back(n.get<std::string>());
  const std::string prefix = std::string(model.config().prefix()) + ".";
  for (auto& item : model.named_parameters()) {
    if (!model.is_head_parameter(item.key())) continue;
    auto name = item.key();
    if (name.rfind(prefix, 0) == 0) name = name.substr(prefix.size());
    name = name.substr(0, name.find('.'));
    if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  }
  return names;
}

}  // namespace

nlohmann::json TaskInfo::to_json() const {
  return {{"task", models::task_kind_name(kind)}, {"labels", labels}, {"max_length", max_length}};
}

TaskInfo TaskInfo::from_json(const nlohmann::json& j, const std::string& context) {
  TaskInfo t;
  try {
    t.kind = models::parse_task_kind(j.at("task").get<std::string>());
    t.labels = j.value("labels", std::vector<std::string>{});
    t.max_length = j.value("max_length", t.max_length);
  } catch (const nlohmann::json::exception& e) {
    throw Error(context + ": peft_cpp task fields are malformed: " + e.what());
  }
  return t;
}

std::string fingerprint(models::TaskModelImpl& model) {
  uint64_t h = 1469598103934665603ull;
  auto mix = [&](const void* data, size_t n) {
    auto p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  };
  std::map<std::string, torch::Tensor> sorted;
  for (auto& item : model.named_parameters())
    if (!model.is_head_parameter(item.key())) sorted.emplace(item.key(), item.value());
  for (auto& [name, t] : sorted) {
    mix(name.data(), name.size());
    auto sizes = t.sizes().vec();
    mix(sizes.data(), sizes.size() * sizeof(int64_t));
    auto values = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    mix(values.data_ptr(), values.nbytes());
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

PeftModel::PeftModel(models::TaskModel m, std::shared_ptr<Method> meth) : model(std::move(m)), method(std::move(meth)) {
  fingerprint_ = fingerprint(*model);
  method->attach(*model);
  for (auto& item : model->named_parameters())
    item.value().set_requires_grad(model->is_head_parameter(item.key()) || method->trains_base_tensor(item.key()));
  method->to(model->parameters().front().device());
}

NamedTensors PeftModel::trainable_tensors() const {
  NamedTensors out = method->own_tensors();
  for (auto& item : model->named_parameters())
    if (item.value().requires_grad()) out.emplace_back(item.key(), item.value());
  return out;
}

ParameterCounts PeftModel::count_parameters() const {
  ParameterCounts c;
  for (auto& p : model->parameters()) {
    c.base += p.numel();
    if (p.requires_grad()) c.trainable += p.numel();
  }
  for (auto& [_, t] : method->own_tensors()) c.added += t.numel();
  c.trainable += c.added;
  return c;
}

void PeftModel::save_adapter(const std::string& dir, const TaskInfo& task) const {
  fs::create_directories(dir);
  nlohmann::json config = method->config_json();
  config["peft_type"] = method->peft_type();
  config["task_type"] = hf_task_type(model->kind());
  config["modules_to_save"] = modules_to_save(config.value("modules_to_save", nlohmann::json()), *model.ptr());
  config["base_model_name_or_path"] =
      base_model_name_or_path.empty() ? nlohmann::json(nullptr) : nlohmann::json(base_model_name_or_path);
  config["inference_mode"] = true;
  config["peft_cpp"] = {{"method", method->method_name()},
                        {"base_fingerprint", fingerprint_},
                        {"base_family", model->config().model_type()},
                        {"hidden_size", model->config().hidden_size}};
  config["peft_cpp"].update(task.to_json());
  models::TensorMap tensors;
  for (auto& [name, t] : trainable_tensors()) tensors.emplace(kRoot + name, t);
  // Weights first: a directory with a config but no weights would look like a finished adapter.
  models::write_tensors((fs::path(dir) / kWeightsFile).string(), tensors, {{"format", "pt"}});
  io::write_file_atomic((fs::path(dir) / kConfigFile).string(), config.dump(2) + "\n");
}

nlohmann::json read_adapter_config(const std::string& dir) {
  const auto path = (fs::path(dir) / kConfigFile).string();
  require(fs::exists(path), dir + ": no " + std::string(kConfigFile) + " (not an adapter directory)");
  try {
    auto j = nlohmann::json::parse(io::read_file(path));
    require(j.is_object() && j.contains("peft_type"), path + ": missing field 'peft_type'");
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path + ": invalid JSON: " + e.what());
  }
}

TaskInfo adapter_task(const std::string& dir, const nlohmann::json& config) {
  const auto path = (fs::path(dir) / kConfigFile).string();
  if (config.contains("peft_cpp")) return TaskInfo::from_json(config["peft_cpp"], path);
  // An HF PEFT adapter: the task comes from task_type; labels from the base config later.
  TaskInfo t;
  const auto type = config.value("task_type", std::string("SEQ_CLS"));
  if (type == "TOKEN_CLS") t.kind = models::TaskKind::TokenClassification;
  else require(type == "SEQ_CLS", path + ": task_type '" + type + "' is not supported for encoders");
  return t;
}

PeftModel PeftModel::load_adapter(models::TaskModel base, const std::string& dir) {
  const auto config_path = (fs::path(dir) / kConfigFile).string();
  const auto weights_path = (fs::path(dir) / kWeightsFile).string();
  auto config = read_adapter_config(dir);
  const auto peft_type = config["peft_type"].get<std::string>();
  const auto& info = method_for_peft_type(peft_type, config_path);
  if (config.contains("peft_cpp") && config["peft_cpp"].contains("base_fingerprint")) {
    const auto expected = config["peft_cpp"]["base_fingerprint"].get<std::string>();
    const auto actual = fingerprint(*base);
    require(expected == actual, config_path + ": adapter was trained on another base model (fingerprint " + expected +
                                    ", this base has " + actual + ")");
  }
  PeftModel peft(std::move(base), info.make(config));
  peft.load_weights(weights_path);
  return peft;
}

void PeftModel::load_weights(const std::string& weights_path) {
  auto tensors = models::read_tensors(weights_path);
  std::map<std::string, torch::Tensor> targets;
  for (auto& [name, t] : method->own_tensors()) targets.emplace(name, t);
  for (auto& item : model->named_parameters()) targets.emplace(item.key(), item.value());
  std::set<std::string> loaded;
  torch::NoGradGuard no_grad;
  for (auto& [key, value] : tensors) {
    require(key.rfind(kRoot, 0) == 0, weights_path + ": tensor '" + key + "' does not start with " + kRoot);
    const auto name = key.substr(kRoot.size());
    auto it = targets.find(name);
    require(it != targets.end(), weights_path + ": tensor '" + key + "' matches nothing in the model");
    require(it->second.sizes() == value.sizes(), weights_path + ": tensor '" + key + "' has shape " +
                                                     c10::str(value.sizes()) + ", the model expects " +
                                                     c10::str(it->second.sizes()));
    it->second.copy_(value);
    loaded.insert(name);
  }
  for (auto& [name, _] : method->own_tensors())
    require(loaded.count(name), weights_path + ": tensor '" + kRoot + name + "' is missing");
}

}  // namespace peft::methods
