// PeftModel's files: the adapter directory (HF PEFT layout plus peft_cpp's fields) and the base fingerprint.
#include <algorithm>
#include <filesystem>
#include <set>

#include "core/error.h"
#include "io/atomic_file.h"
#include "io/file_hash.h"
#include "methods/peft_model.h"
#include "methods/registry.h"

namespace fs = std::filesystem;

namespace peft::methods {
namespace {

const char* kConfigFile = "adapter_config.json";
const char* kWeightsFile = "adapter_model.safetensors";

// HF PEFT's task_type for the head (MLM has none: HF loads such adapters as a plain PeftModel).
nlohmann::json hf_task_type(models::TaskKind kind) {
  switch (kind) {
    case models::TaskKind::SequenceClassification:
    case models::TaskKind::Regression: return "SEQ_CLS";
    case models::TaskKind::TokenClassification: return "TOKEN_CLS";
    case models::TaskKind::MaskedLM:
    case models::TaskKind::Cloze: return nullptr;
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

// The backbone's tensors (head excluded) in name order, as fp32 on the CPU: a fingerprint that does not
// depend on where or in which precision the base runs.
template <typename Mix>
void hash_backbone(models::TaskModelImpl& model, Mix mix) {
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
}

// What peft.cpp 0.5 wrote: 64-bit FNV-1a, 16 hex digits without a prefix; still read.
std::string legacy_fingerprint(models::TaskModelImpl& model) {
  uint64_t h = 1469598103934665603ull;
  hash_backbone(model, [&](const void* data, size_t n) {
    auto p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  });
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return hex;
}

std::string peft_type_of(const nlohmann::json& config, const std::string& path) {
  const auto& type = config["peft_type"];
  require(type.is_string(), path + ": 'peft_type' must be a string, got " + type.dump());
  return type.get<std::string>();
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
  io::Hasher hasher;
  hash_backbone(model, [&](const void* data, size_t n) { hasher.update(data, n); });
  return "xxh3:" + hasher.hex();
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
                        {"base_family", model->config().prefix()},
                        {"hidden_size", model->config().hidden_size}};
  config["peft_cpp"].update(task.to_json());
  models::TensorMap tensors;
  const auto roots = method->file_roots();
  for (auto& [name, t] : method->saved_tensors()) tensors.emplace(roots.own + name, t);
  std::set<std::string> own;
  for (auto& [name, _] : method->own_tensors()) own.insert(name);
  for (auto& [name, t] : trainable_tensors())
    if (!own.count(name)) tensors.emplace(roots.model + name, t);
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
    peft_type_of(j, path);
    return j;
  } catch (const nlohmann::json::parse_error& e) {
    throw Error(path + ": invalid JSON: " + e.what());
  }
}

TaskInfo adapter_task(const std::string& dir, const nlohmann::json& config) {
  const auto path = (fs::path(dir) / kConfigFile).string();
  if (config.contains("peft_cpp")) {
    auto t = TaskInfo::from_json(config["peft_cpp"], path);
    if (t.kind == models::TaskKind::Cloze) {  // the PET method holds the pattern and verbalizer
      const auto method = method_for_peft_type(peft_type_of(config, path), path).make(config);
      require(method->cloze() != nullptr, path + ": a cloze task's adapter needs the PET method");
      t.cloze = *method->cloze();
    }
    return t;
  }
  // An HF PEFT adapter: the task comes from task_type; labels from the base config later.
  TaskInfo t;
  const auto type = config.value("task_type", std::string("SEQ_CLS"));
  if (type == "TOKEN_CLS") t.kind = models::TaskKind::TokenClassification;
  else require(type == "SEQ_CLS", path + ": task_type '" + type + "' is not supported for encoders");
  return t;
}

PeftModel PeftModel::load_adapter(models::TaskModel base, const std::string& dir) {
  PeftModel peft(base, fingerprint(*base));
  peft.add_adapter_from("default", dir);
  return peft;
}

void PeftModel::add_adapter_from(const std::string& name, const std::string& dir) {
  const auto config_path = (fs::path(dir) / kConfigFile).string();
  auto config = read_adapter_config(dir);
  const auto& info = method_for_peft_type(peft_type_of(config, config_path), config_path);
  const auto& cpp = config.contains("peft_cpp") ? config["peft_cpp"] : nlohmann::json::object();
  if (cpp.is_object() && cpp.contains("base_fingerprint")) {
    require(cpp["base_fingerprint"].is_string(), config_path + ": 'peft_cpp.base_fingerprint' must be a string");
    const auto expected = cpp["base_fingerprint"].get<std::string>();
    const auto actual = expected.rfind("xxh3:", 0) == 0 ? fingerprint_ : legacy_fingerprint(*model);
    require(expected == actual, config_path + ": adapter was trained on another base model (fingerprint " + expected +
                                    ", this base has " + actual + ")");
  }
  add_adapter(name, info.make(config));
  const auto active = active_;
  set_adapter(name);
  load_weights((fs::path(dir) / kWeightsFile).string());
  set_adapter(active);
}

void PeftModel::load_weights(const std::string& weights_path) {
  const auto roots = method->file_roots();
  // The method takes its own tensors (under roots.own); the rest are the model's (under roots.model).
  models::TensorMap file = models::read_tensors(weights_path), own, tensors;
  for (auto it = file.begin(); it != file.end();)
    if (it->first.rfind(roots.own, 0) == 0) {
      own.emplace(it->first.substr(roots.own.size()), it->second);
      it = file.erase(it);
    } else {
      ++it;
    }
  method->load_saved(own, weights_path);
  for (auto& [name, value] : own) file.emplace(roots.own + name, value);
  for (auto& [key, value] : file) {
    require(key.rfind(roots.model, 0) == 0,
            weights_path + ": tensor '" + key + "' does not start with " + roots.model);
    tensors.emplace(key.substr(roots.model.size()), value);
  }
  std::map<std::string, torch::Tensor> targets;
  for (auto& item : model->named_parameters()) targets.emplace(item.key(), item.value());
  for (auto& t : optimizer_tensors()) targets[t.name] = t.tensor;  // an adapter's own head over the base's
  torch::NoGradGuard no_grad;
  for (auto& [name, value] : tensors) {
    auto it = targets.find(name);
    require(it != targets.end(), weights_path + ": tensor '" + roots.model + name + "' matches nothing in the model");
    require(it->second.sizes() == value.sizes(), weights_path + ": tensor '" + roots.model + name + "' has shape " +
                                                     c10::str(value.sizes()) + ", the model expects " +
                                                     c10::str(it->second.sizes()));
    it->second.copy_(value);
  }
}

}  // namespace peft::methods
