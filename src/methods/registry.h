// The one list of built-in methods: name -> factory. Strings exist only here and at the edges (CLI, JSON);
// inside, a method is a typed object.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "methods/method.h"

namespace peft::methods {

struct MethodInfo {
  std::string name;       // CLI / registry name
  std::string peft_type;  // adapter_config.json peft_type
  std::string summary;
  std::function<std::shared_ptr<Method>(const nlohmann::json& config)> make;
};

const std::vector<MethodInfo>& builtin_methods();
std::string method_names();  // "full, bitfit, lora, ..." (the union is written a+b), for help and errors
std::shared_ptr<Method> create_method(const std::string& name, const nlohmann::json& config);
const MethodInfo& method_for_peft_type(const std::string& peft_type, const std::string& context);

}  // namespace peft::methods
