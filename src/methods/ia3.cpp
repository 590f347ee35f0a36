#include "methods/ia3.h"

#include "models/tensor_names.h"

namespace peft::methods {

Ia3Config Ia3Config::read(MethodConfig& c) {
  Ia3Config i;
  // HF PEFT's defaults for BERT-family encoders: keys, values and both output projections, the MLP's
  // (and the attention output's, which "output.dense" also names) scaled on the input side.
  i.target_modules = ModuleSelector::from_json(c.raw("target_modules"), {"key", "value", "output.dense"},
                                               "ia3: target_modules");
  i.feedforward_modules = ModuleSelector::from_json(c.raw("feedforward_modules"), {"output.dense"},
                                                    "ia3: feedforward_modules");
  i.modules_to_save = ModuleSelector::from_json(c.raw("modules_to_save"), {}, "ia3: modules_to_save");
  i.init_ia3_weights = c.get<bool>("init_ia3_weights", i.init_ia3_weights);
  return i;
}

Ia3DeltaImpl::Ia3DeltaImpl(const torch::Tensor& weight, bool feedforward, bool init_ones)
    : weight_(weight), feedforward_(feedforward) {
  const auto shape = feedforward ? std::vector<int64_t>{1, weight.size(1)} : std::vector<int64_t>{weight.size(0), 1};
  ia3_l = register_parameter("ia3_l", init_ones ? torch::ones(shape) : torch::randn(shape));
}

torch::Tensor Ia3DeltaImpl::apply(const torch::Tensor& input, const torch::Tensor& output, const nn::ForwardContext&) {
  if (!feedforward_) return output * ia3_l.view(-1);  // the bias too, as HF scales the whole output
  // A mixed batch (the site scaled no input): W(l x) + b = output + W((l - 1) x), the bias not scaled.
  return output + torch::nn::functional::linear(input * (ia3_l.view(-1) - 1), weight_);
}

void Ia3DeltaImpl::merge(torch::Tensor& weight, torch::Tensor& bias) {
  weight.mul_(ia3_l);
  if (!feedforward_ && bias.defined()) bias.mul_(ia3_l.view(-1));
}

// Exact where no entry of the vector is zero (a zero scale erases what it multiplies).
void Ia3DeltaImpl::unmerge(torch::Tensor& weight, torch::Tensor& bias) {
  weight.div_(ia3_l);
  if (!feedforward_ && bias.defined()) bias.div_(ia3_l.view(-1));
}

Ia3::Ia3(const nlohmann::json& json) {
  MethodConfig c(json, "ia3");
  config_ = Ia3Config::read(c);
  c.finish();
}

void Ia3::attach(models::TaskModelImpl& model, const std::string& adapter) {
  std::vector<std::string> paths;
  for (auto& site : model.linear_sites()) {
    paths.push_back(site.path);
    const bool feedforward = config_.feedforward_modules.matches(site.path);
    if (!config_.target_modules.matches(site.path)) {
      require(!feedforward, "ia3: feedforward_modules names " + site.path + ", which target_modules does not");
      continue;
    }
    auto delta = std::make_shared<Ia3DeltaImpl>(site.linear->weight, feedforward, config_.init_ia3_weights);
    register_module("site" + std::to_string(deltas_.size()), delta);
    site.linear->attach(adapter, delta);
    deltas_.emplace_back(site.path, delta);
  }
  config_.target_modules.require_all_used(paths);
  config_.feedforward_modules.require_all_used(paths);
}

bool Ia3::trains_base_tensor(const std::string& name) const {
  return config_.modules_to_save.matches(models::module_path(name));
}

NamedTensors Ia3::own_tensors() const {
  NamedTensors out;
  for (const auto& [path, delta] : deltas_) out.emplace_back(path + ".ia3_l", delta->ia3_l);
  return out;
}

std::vector<RoledTensor> Ia3::own_tensor_roles() const {
  std::vector<RoledTensor> out;
  for (auto& [name, t] : own_tensors()) out.push_back({name, t, models::TensorRole::Norm});
  return out;
}

nlohmann::json Ia3::config_json() const {
  const auto& save = config_.modules_to_save;
  return {{"target_modules", config_.target_modules.to_json()},
          {"feedforward_modules", config_.feedforward_modules.to_json()},
          {"modules_to_save", save.empty() ? nlohmann::json(nullptr) : save.to_json()},
          {"init_ia3_weights", config_.init_ia3_weights},
          {"fan_in_fan_out", false}};
}

}  // namespace peft::methods
