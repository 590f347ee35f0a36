#include "methods/selective.h"

#include "methods/method_config.h"
#include "methods/tensor_names.h"

namespace peft::methods {

FullFineTuning::FullFineTuning(const nlohmann::json& config) { MethodConfig(config, "full").finish(); }

BitFit::BitFit(const nlohmann::json& config) { MethodConfig(config, "bitfit").finish(); }

bool BitFit::trains_base_tensor(const std::string& name) const { return is_bias(name); }

}  // namespace peft::methods
