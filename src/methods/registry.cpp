#include "methods/registry.h"

#include "core/error.h"
#include "methods/bottleneck_adapter.h"
#include "methods/lora.h"
#include "methods/selective.h"

namespace peft::methods {

const std::vector<MethodInfo>& builtin_methods() {
  static const std::vector<MethodInfo> methods = {
      {"full", "FULL", "full fine-tuning: every tensor trains",
       [](const nlohmann::json& c) { return std::make_shared<FullFineTuning>(c); }},
      {"bitfit", "BITFIT", "BitFit: bias terms + head",
       [](const nlohmann::json& c) { return std::make_shared<BitFit>(c); }},
      {"lora", "LORA", "LoRA: low-rank updates of chosen linear layers (mergeable)",
       [](const nlohmann::json& c) { return std::make_shared<Lora>(c); }},
      {"houlsby", "HOULSBY", "Houlsby adapters: two bottleneck adapters per layer + LayerNorms",
       [](const nlohmann::json& c) { return std::make_shared<BottleneckAdapter>(c, AdapterVariant::Houlsby); }},
      {"pfeiffer", "PFEIFFER", "Pfeiffer adapter: one bottleneck adapter per layer, after the MLP",
       [](const nlohmann::json& c) { return std::make_shared<BottleneckAdapter>(c, AdapterVariant::Pfeiffer); }},
  };
  return methods;
}

namespace {
std::string known_names() {
  std::string names;
  for (const auto& m : builtin_methods()) names += (names.empty() ? "" : ", ") + m.name;
  return names;
}
}  // namespace

std::shared_ptr<Method> create_method(const std::string& name, const nlohmann::json& config) {
  for (const auto& m : builtin_methods())
    if (m.name == name) return m.make(config);
  throw Error("unknown method '" + name + "' (known: " + known_names() + ")");
}

const MethodInfo& method_for_peft_type(const std::string& peft_type, const std::string& context) {
  for (const auto& m : builtin_methods())
    if (m.peft_type == peft_type) return m;
  throw Error(context + ": peft_type '" + peft_type + "' is not supported (methods: " + known_names() + ")");
}

}  // namespace peft::methods
