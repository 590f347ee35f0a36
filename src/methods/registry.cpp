#include "methods/registry.h"

#include <sstream>

#include "core/error.h"
#include "methods/adalora.h"
#include "methods/adamix.h"
#include "methods/bottleneck_adapter.h"
#include "methods/compacter.h"
#include "methods/ia3.h"
#include "methods/lora.h"
#include "methods/method_union.h"
#include "methods/p_tuning.h"
#include "methods/pet.h"
#include "methods/prefix_tuning.h"
#include "methods/prompt_tuning.h"
#include "methods/selective.h"

namespace peft::methods {

const std::vector<MethodInfo>& builtin_methods() {
  static const std::vector<MethodInfo> methods = {
      {"full", "FULL", "full fine-tuning: every tensor trains",
       [](const nlohmann::json& c) { return std::make_shared<FullFineTuning>(c); }},
      {"bitfit", "BITFIT", "BitFit: bias terms + head",
       [](const nlohmann::json& c) { return std::make_shared<BitFit>(c); }},
      {"head", "HEAD", "the task head alone on the frozen base (a linear probe; the baseline)",
       [](const nlohmann::json& c) { return std::make_shared<HeadOnly>(c); }},
      {"lora", "LORA", "LoRA: low-rank updates of chosen linear layers (mergeable)",
       [](const nlohmann::json& c) { return std::make_shared<Lora>(c); }},
      {"adalora", "ADALORA", "AdaLoRA: SVD-shaped low-rank updates whose ranks are pruned by importance (mergeable)",
       [](const nlohmann::json& c) { return std::make_shared<AdaLora>(c); }},
      {"ia3", "IA3", "(IA)^3: learned vectors rescaling keys, values and the MLP's input (mergeable)",
       [](const nlohmann::json& c) { return std::make_shared<Ia3>(c); }},
      {"houlsby", "HOULSBY", "Houlsby adapters: two bottleneck adapters per layer + LayerNorms",
       [](const nlohmann::json& c) { return std::make_shared<BottleneckAdapter>(c, AdapterVariant::Houlsby); }},
      {"pfeiffer", "PFEIFFER", "Pfeiffer adapter: one bottleneck adapter per layer, after the MLP",
       [](const nlohmann::json& c) { return std::make_shared<BottleneckAdapter>(c, AdapterVariant::Pfeiffer); }},
      {"parallel", "PARALLEL", "parallel adapters: a scaled bottleneck branch from the sublayer's input",
       [](const nlohmann::json& c) { return std::make_shared<BottleneckAdapter>(c, AdapterVariant::Parallel); }},
      {"adamix", "ADAMIX", "AdaMix: N expert adapters per site, randomly routed in training, averaged for inference",
       [](const nlohmann::json& c) { return std::make_shared<AdaMix>(c); }},
      {"compacter", "COMPACTER", "Compacter: Houlsby-placed PHM adapters (shared Kronecker rules, low-rank factors)",
       [](const nlohmann::json& c) { return std::make_shared<Compacter>(c, /*plus_plus=*/false); }},
      {"compacterpp", "COMPACTER_PLUS_PLUS", "Compacter++: one PHM adapter per layer, after the MLP",
       [](const nlohmann::json& c) { return std::make_shared<Compacter>(c, /*plus_plus=*/true); }},
      {"prompt_tuning", "PROMPT_TUNING", "prompt tuning: trainable virtual tokens before the input",
       [](const nlohmann::json& c) { return std::make_shared<PromptTuning>(c, /*ensemble=*/false); }},
      {"prompt_ensemble", "PROMPT_ENSEMBLE", "prompt ensembling: num_prompts prompts, probabilities averaged",
       [](const nlohmann::json& c) { return std::make_shared<PromptTuning>(c, /*ensemble=*/true); }},
      {"p_tuning", "P_TUNING", "P-tuning: virtual tokens from an MLP/LSTM prompt encoder, at template places",
       [](const nlohmann::json& c) { return std::make_shared<PTuning>(c); }},
      {"prefix_tuning", "PREFIX_TUNING", "prefix tuning: key/value prefixes at every layer (optional MLP)",
       [](const nlohmann::json& c) { return std::make_shared<PrefixTuning>(c, /*v2=*/false); }},
      {"p_tuning_v2", "P_TUNING_V2", "P-tuning v2: deep prompts at every layer, no reparameterisation",
       [](const nlohmann::json& c) { return std::make_shared<PrefixTuning>(c, /*v2=*/true); }},
      {"pet", "PET", "PET: the task as cloze, a pattern with [MASK] scored by the MLM head on verbalizer words",
       [](const nlohmann::json& c) { return std::make_shared<Pet>(c); }},
      {"mam", "MAM", "MAM adapter: prefix_tuning+parallel with AdapterHub's MAMConfig defaults (saved as the union)",
       [](const nlohmann::json& c) { return mam_adapter(c); }},
      {"union", "UNION", "several methods at once, named a+b (e.g. houlsby+lora); options as a.key=value",
       [](const nlohmann::json& c) { return std::make_shared<MethodUnion>(c); }},
  };
  return methods;
}

std::string method_names() {
  std::string names;
  for (const auto& m : builtin_methods())
    if (m.name != "union") names += (names.empty() ? "" : ", ") + m.name;
  return names;
}

std::shared_ptr<Method> create_method(const std::string& name, const nlohmann::json& config) {
  if (name.find('+') != std::string::npos) {  // "houlsby+lora": a union of the named methods
    require(config.is_object() || config.is_null(), name + ": config must be a JSON object");
    nlohmann::json union_config = config.is_null() ? nlohmann::json::object() : config;
    require(!union_config.contains("methods"), name + ": the name already lists the methods; drop 'methods'");
    union_config["methods"] = nlohmann::json::array();
    std::stringstream names(name);
    for (std::string member; std::getline(names, member, '+');) union_config["methods"].push_back(member);
    return std::make_shared<MethodUnion>(union_config);
  }
  for (const auto& m : builtin_methods())
    if (m.name == name) return m.make(config);
  throw Error("unknown method '" + name + "' (known: " + method_names() + ")");
}

const MethodInfo& method_for_peft_type(const std::string& peft_type, const std::string& context) {
  for (const auto& m : builtin_methods())
    if (m.peft_type == peft_type) return m;
  throw Error(context + ": peft_type '" + peft_type + "' is not supported (methods: " + method_names() + ")");
}

}  // namespace peft::methods
