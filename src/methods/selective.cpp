#include "methods/selective.h"

#include "methods/method_config.h"
#include "models/tensor_names.h"

namespace peft::methods {

FullFineTuning::FullFineTuning(const nlohmann::json& config) {
  MethodConfig c(config, "full");
  frozen_modules_ = ModuleSelector::from_json(c.raw("frozen_modules"), {}, "full: frozen_modules");
  c.finish();
}

void FullFineTuning::attach(models::TaskModelImpl& model, const std::string&) {
  std::set<std::string> linear;  // "all-linear" freezes these only
  for (const auto& site : model.linear_sites()) linear.insert(site.path);
  std::vector<std::string> paths;
  for (const auto& p : model.named_parameters()) {
    const auto path = models::module_path(p.key());
    paths.push_back(path);
    if (frozen_modules_.matches(path, linear.count(path) > 0)) frozen_tensors_.insert(p.key());
  }
  frozen_modules_.require_all_used(paths);
}

bool FullFineTuning::trains_base_tensor(const std::string& name) const { return frozen_tensors_.count(name) == 0; }

nlohmann::json FullFineTuning::config_json() const {
  if (frozen_modules_.empty()) return nlohmann::json::object();
  return {{"frozen_modules", frozen_modules_.to_json()}};
}

BitFit::BitFit(const nlohmann::json& config) { MethodConfig(config, "bitfit").finish(); }

HeadOnly::HeadOnly(const nlohmann::json& config) { MethodConfig(config, "head").finish(); }

bool BitFit::trains_base_tensor(const std::string& name) const { return models::is_bias(name); }

}  // namespace peft::methods
