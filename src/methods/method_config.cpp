#include "methods/method_config.h"

#include <algorithm>

namespace peft::methods {
namespace {

bool is_off(const nlohmann::json& v) {
  return v.is_null() || (v.is_boolean() && !v.get<bool>()) || ((v.is_object() || v.is_array()) && v.empty());
}

const std::set<std::string>& bookkeeping_keys() {
  static const std::set<std::string> keys = {"peft_type", "peft_version", "task_type", "base_model_name_or_path",
                                             "revision", "inference_mode", "auto_mapping", "peft_cpp",
                                             "megatron_core", "qalora_group_size", "init_lora_weights",
                                             "init_ia3_weights", "modules_to_save"};
  return keys;
}

}  // namespace

std::string MethodConfig::choice(const std::string& key, const std::string& fallback,
                                 const std::vector<std::string>& choices) {
  auto value = get<std::string>(key, fallback);
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  throw Error(method_ + ": " + key + " '" + value + "' is not one of " + list);
}

void MethodConfig::finish() const {
  if (!values_.is_object()) return;
  for (auto& [key, value] : values_.items()) {
    if (known_.count(key) || bookkeeping_keys().count(key) || is_off(value)) continue;
    std::string list;
    for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
    throw Error(method_ + ": unknown or unsupported option '" + key + "'=" + value.dump() + " (options: " + list + ")");
  }
}

}  // namespace peft::methods
