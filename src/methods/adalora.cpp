#include "methods/adalora.h"

#include <cmath>

#include "core/dropout.h"
#include "models/tensor_names.h"

namespace peft::methods {

AdaLoraConfig AdaLoraConfig::read(MethodConfig& c) {
  AdaLoraConfig a;
  a.init_r = c.get<int64_t>("init_r", a.init_r);
  a.target_r = c.get<int64_t>("target_r", a.target_r);
  a.tinit = c.get<int64_t>("tinit", a.tinit);
  a.tfinal = c.get<int64_t>("tfinal", a.tfinal);
  a.deltaT = c.get<int64_t>("deltaT", a.deltaT);
  a.total_step = c.get<int64_t>("total_step", a.total_step);
  a.beta1 = c.get<double>("beta1", a.beta1);
  a.beta2 = c.get<double>("beta2", a.beta2);
  a.orth_reg_weight = c.get<double>("orth_reg_weight", a.orth_reg_weight);
  a.lora_alpha = c.get<double>("lora_alpha", a.lora_alpha);
  a.lora_dropout = c.get<double>("lora_dropout", a.lora_dropout);
  a.target_modules = ModuleSelector::from_json(c.raw("target_modules"), {"query", "value"}, "adalora: target_modules");
  a.modules_to_save = ModuleSelector::from_json(c.raw("modules_to_save"), {}, "adalora: modules_to_save");
  c.get<int64_t>("r", 0);  // HF writes LoraConfig's r too; AdaLoRA's ranks are init_r
  c.choice("bias", "none", {"none"});
  require(c.get<bool>("init_lora_weights", true), "adalora: init_lora_weights must be true");
  if (const auto* pattern = c.raw("rank_pattern")) {
    require(pattern->is_object(), "adalora: rank_pattern must be an object of module -> list of booleans");
    for (const auto& [key, kept] : pattern->items()) {
      require(kept.is_array(), "adalora: rank_pattern['" + key + "'] must be a list of booleans");
      for (const auto& k : kept) require(k.is_boolean(), "adalora: rank_pattern['" + key + "'] holds " + k.dump());
      a.rank_pattern[key] = kept.get<std::vector<bool>>();
    }
  }
  require(a.init_r > 0 && a.target_r > 0 && a.target_r <= a.init_r, "adalora: need 0 < target_r <= init_r");
  require(a.tinit >= 0 && a.tfinal >= 0 && a.deltaT > 0 && a.total_step >= 0,
          "adalora: tinit, tfinal and total_step must be >= 0 and deltaT > 0");
  require(a.beta1 > 0 && a.beta1 < 1 && a.beta2 > 0 && a.beta2 < 1, "adalora: beta1 and beta2 must be in (0, 1)");
  require(a.orth_reg_weight > 0, "adalora: orth_reg_weight must be positive");
  require(a.lora_alpha > 0 && std::isfinite(a.lora_alpha), "adalora: lora_alpha must be positive");
  require(a.lora_dropout >= 0 && a.lora_dropout < 1, "adalora: lora_dropout must be in [0, 1)");
  return a;
}

RankBudget adalora_budget(int64_t step, int64_t init_budget, int64_t target_budget, const AdaLoraConfig& c,
                          int64_t total_step) {
  if (step <= c.tinit) return {init_budget, false};
  if (step > total_step - c.tfinal) return {target_budget, true};
  const double left = 1 - double(step - c.tinit) / double(total_step - c.tfinal - c.tinit);
  return {int64_t(double(init_budget - target_budget) * left * left * left + double(target_budget)),
          step % c.deltaT == 0};
}

AdaLoraDeltaImpl::AdaLoraDeltaImpl(int64_t in, int64_t out, const AdaLoraConfig& c)
    // HF divides by ranknum, which stays init_r when ranks are pruned: the scale never jumps.
    : scaling_(c.lora_alpha / (double(c.init_r) + 1e-5)), dropout_(c.lora_dropout) {
  // As HF: P and Q ~ N(0, 0.02), the singular values zero, so training starts at the base model.
  lora_A = register_parameter("lora_A", torch::randn({c.init_r, in}) * 0.02);
  lora_E = register_parameter("lora_E", torch::zeros({c.init_r, 1}));
  lora_B = register_parameter("lora_B", torch::randn({out, c.init_r}) * 0.02);
  kept = register_buffer("kept", torch::ones({c.init_r}, torch::kBool));
}

torch::Tensor AdaLoraDeltaImpl::apply(const torch::Tensor& input, const torch::Tensor& output,
                                     const nn::ForwardContext& ctx) {
  const auto x = peft::dropout(input, dropout_, ctx.training);
  return output + torch::matmul(torch::matmul(x, (lora_A * lora_E).t()), lora_B.t()) * scaling_;
}

torch::Tensor AdaLoraDeltaImpl::update_weight() const { return torch::matmul(lora_B, lora_A * lora_E) * scaling_; }

void AdaLoraDeltaImpl::merge(torch::Tensor& weight, torch::Tensor&) { weight.add_(update_weight()); }

void AdaLoraDeltaImpl::unmerge(torch::Tensor& weight, torch::Tensor&) { weight.sub_(update_weight()); }

AdaLora::AdaLora(const nlohmann::json& json) {
  MethodConfig c(json, "adalora");
  config_ = AdaLoraConfig::read(c);
  c.finish();
}

void AdaLora::attach(models::TaskModelImpl& model, const std::string& adapter) {
  std::vector<std::string> paths;
  auto pattern = config_.rank_pattern;
  for (auto& site : model.linear_sites()) {
    paths.push_back(site.path);
    if (!config_.target_modules.matches(site.path)) continue;
    auto delta = std::make_shared<AdaLoraDeltaImpl>(site.linear->in_features, site.linear->out_features, config_);
    if (const auto it = pattern.find(site.path + ".lora_E"); it != pattern.end()) {
      require(int64_t(it->second.size()) == config_.init_r,
              "adalora: rank_pattern['" + it->first + "'] has " + std::to_string(it->second.size()) +
                  " entries, init_r is " + std::to_string(config_.init_r));
      for (size_t i = 0; i < it->second.size(); ++i) delta->kept[int64_t(i)] = bool(it->second[i]);
      pattern.erase(it);
    }
    register_module("site" + std::to_string(deltas_.size()), delta);
    site.linear->attach(adapter, delta);
    deltas_.emplace_back(site.path, delta);
  }
  config_.target_modules.require_all_used(paths);
  require(pattern.empty(), "adalora: rank_pattern names '" + (pattern.empty() ? "" : pattern.begin()->first) +
                               "', which is not a target");
}

bool AdaLora::trains_base_tensor(const std::string& name) const {
  return config_.modules_to_save.matches(models::module_path(name));
}

NamedTensors AdaLora::own_tensors() const { return names_of_roles(); }

// HF PEFT's keys: parameters, not modules (no ".weight").
std::vector<RoledTensor> AdaLora::own_tensor_roles() const {
  std::vector<RoledTensor> out;
  for (const auto& [path, d] : deltas_) {
    out.push_back({path + ".lora_A", d->lora_A, models::TensorRole::FactorIn});
    out.push_back({path + ".lora_E", d->lora_E, models::TensorRole::Weight});
    out.push_back({path + ".lora_B", d->lora_B, models::TensorRole::FactorOut});
  }
  return out;
}

void AdaLora::begin_step(int64_t step, int64_t total_steps) {
  if (step > 1 && total_step_ > 0) return;
  total_step_ = config_.total_step > 0 ? config_.total_step : total_steps;
  require(config_.tinit < total_step_ - config_.tfinal,
          "adalora: tinit (" + std::to_string(config_.tinit) + ") and tfinal (" + std::to_string(config_.tfinal) +
              ") leave no steps of the " + std::to_string(total_step_) + " for the rank budget to fall");
}

torch::Tensor AdaLora::extra_loss() {
  if (deltas_.empty()) return {};
  torch::Tensor sum;
  for (const auto& [_, d] : deltas_) {
    const auto eye = torch::eye(config_.init_r, d->lora_A.options());
    const auto term = (torch::matmul(d->lora_A, d->lora_A.t()) - eye).norm() +
                      (torch::matmul(d->lora_B.t(), d->lora_B) - eye).norm();
    sum = sum.defined() ? sum + term : term;
  }
  return sum * (config_.orth_reg_weight / double(2 * deltas_.size()));
}

void AdaLora::update_importance() {
  torch::NoGradGuard no_grad;
  for (const auto& [name, p] : own_tensors()) {
    if (!p.grad().defined()) continue;
    const auto importance = (p * p.grad()).abs();
    auto& sensitivity = sensitivity_[name];
    auto& uncertainty = uncertainty_[name];
    if (!sensitivity.defined()) sensitivity = torch::zeros_like(p), uncertainty = torch::zeros_like(p);
    sensitivity.mul_(config_.beta1).add_(importance, 1 - config_.beta1);
    uncertainty.mul_(config_.beta2).add_((importance - sensitivity).abs(), 1 - config_.beta2);
  }
}

void AdaLora::mask_to_budget(int64_t budget) {
  const int64_t pruned_count = int64_t(deltas_.size()) * config_.init_r - budget;
  if (pruned_count <= 0) return;
  torch::NoGradGuard no_grad;
  auto score = [&](const std::string& name, const torch::Tensor& like) {
    const auto s = sensitivity_.find(name);
    return s == sensitivity_.end() ? torch::zeros_like(like) : s->second * uncertainty_.at(name);
  };
  // A rank's score: its singular value's, plus the mean of its row of Q and of its column of P.
  std::vector<torch::Tensor> triplets;
  for (const auto& [path, d] : deltas_)
    triplets.push_back(score(path + ".lora_E", d->lora_E).view(-1) + score(path + ".lora_A", d->lora_A).mean(1) +
                       score(path + ".lora_B", d->lora_B).mean(0));
  const double threshold = std::get<0>(torch::kthvalue(torch::cat(triplets), pruned_count)).item<double>();
  for (size_t i = 0; i < deltas_.size(); ++i) deltas_[i].second->kept.copy_(triplets[i] > threshold);
  apply_masks();
}

void AdaLora::apply_masks() {
  torch::NoGradGuard no_grad;
  for (const auto& [_, d] : deltas_) d->lora_E.masked_fill_(d->kept.logical_not().unsqueeze(1), 0.0);
}

void AdaLora::after_step(int64_t step) {
  const int64_t final_start = total_step_ - config_.tfinal;
  const int64_t init_budget = int64_t(deltas_.size()) * config_.init_r;
  const int64_t target_budget = int64_t(deltas_.size()) * config_.target_r;
  if (step < final_start) {
    update_importance();
    const auto b = adalora_budget(step, init_budget, target_budget, config_, total_step_);
    if (b.mask) mask_to_budget(b.budget);
  } else if (step == final_start) {  // the final allocation, then the importance is forgotten
    mask_to_budget(adalora_budget(step, init_budget, target_budget, config_, total_step_).budget);
    sensitivity_.clear();
    uncertainty_.clear();
  } else {
    apply_masks();
  }
}

int64_t AdaLora::kept_ranks() const {
  int64_t n = 0;
  for (const auto& [_, d] : deltas_) n += d->kept.sum().item<int64_t>();
  return n;
}

bool AdaLora::pruned() const { return kept_ranks() < int64_t(deltas_.size()) * config_.init_r; }

NamedTensors AdaLora::saved_tensors() const {
  if (!pruned()) return own_tensors();
  NamedTensors out;
  for (const auto& [path, d] : deltas_) {
    const auto index = d->kept.nonzero().view(-1);
    out.emplace_back(path + ".lora_A", d->lora_A.index_select(0, index));
    out.emplace_back(path + ".lora_E", d->lora_E.index_select(0, index));
    out.emplace_back(path + ".lora_B", d->lora_B.index_select(1, index));
  }
  return out;
}

void AdaLora::load_saved(models::TensorMap& tensors, const std::string& context) {
  torch::NoGradGuard no_grad;
  const auto root = file_roots().own;
  for (const auto& [path, d] : deltas_) {
    const auto index = d->kept.nonzero().view(-1);
    const auto k = index.size(0);
    for (auto [name, target, dim] : {std::tuple{".lora_A", d->lora_A, 0}, std::tuple{".lora_E", d->lora_E, 0},
                                     std::tuple{".lora_B", d->lora_B, 1}}) {
      const auto it = tensors.find(path + name);
      require(it != tensors.end(), context + ": tensor '" + root + path + name + "' is missing");
      auto shape = target.sizes().vec();
      shape[size_t(dim)] = k;
      require(it->second.sizes() == shape, context + ": tensor '" + root + path + name + "' has shape " +
                                               c10::str(it->second.sizes()) + ", its rank_pattern keeps " +
                                               std::to_string(k) + " of " + std::to_string(config_.init_r));
      target.zero_().index_copy_(dim, index, it->second.to(target.dtype()));
      tensors.erase(it);
    }
  }
}

nlohmann::json AdaLora::config_json() const {
  nlohmann::json pattern = nullptr;
  if (pruned()) {
    pattern = nlohmann::json::object();
    for (const auto& [path, d] : deltas_) {
      std::vector<bool> kept;
      for (int64_t i = 0; i < d->kept.size(0); ++i) kept.push_back(d->kept[i].item<bool>());
      pattern[path + ".lora_E"] = kept;
    }
  }
  const auto& save = config_.modules_to_save;
  const auto total = total_step_ > 0 ? total_step_ : config_.total_step;
  return {{"init_r", config_.init_r},
          {"target_r", config_.target_r},
          {"tinit", config_.tinit},
          {"tfinal", config_.tfinal},
          {"deltaT", config_.deltaT},
          {"beta1", config_.beta1},
          {"beta2", config_.beta2},
          {"orth_reg_weight", config_.orth_reg_weight},
          {"total_step", total > 0 ? nlohmann::json(total) : nlohmann::json(nullptr)},
          {"lora_alpha", config_.lora_alpha},
          {"lora_dropout", config_.lora_dropout},
          {"target_modules", config_.target_modules.to_json()},
          {"modules_to_save", save.empty() ? nlohmann::json(nullptr) : save.to_json()},
          {"rank_pattern", pattern},
          {"bias", "none"},
          {"fan_in_fan_out", false}};
}

}  // namespace peft::methods
