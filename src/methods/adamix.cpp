#include "methods/adamix.h"

#include <cmath>

#include "methods/adapter_placement.h"

namespace peft::methods {

AdaMixConfig AdaMixConfig::read(MethodConfig& c) {
  AdaMixConfig a;
  a.num_experts = c.get<int64_t>("num_experts", a.num_experts);
  a.bottleneck = c.get<int64_t>("bottleneck", 0);
  a.reduction_factor = c.get<double>("reduction_factor", a.reduction_factor);
  a.non_linearity = c.choice("non_linearity", a.non_linearity, {"relu", "gelu", "swish", "silu", "tanh"});
  a.mh_adapter = c.get<bool>("mh_adapter", a.mh_adapter);
  a.output_adapter = c.get<bool>("output_adapter", a.output_adapter);
  a.consistency_weight = c.get<double>("consistency_weight", a.consistency_weight);
  a.expert_init = c.choice("expert_init", a.expert_init, {"same", "independent"});
  require(a.num_experts > 0, "adamix: num_experts must be positive");
  require(a.bottleneck > 0 || !c.raw("bottleneck"), "adamix: bottleneck must be positive");
  require(a.reduction_factor > 0, "adamix: reduction_factor must be positive");
  require(a.mh_adapter || a.output_adapter, "adamix: mh_adapter and output_adapter are both false");
  require(a.consistency_weight >= 0 && std::isfinite(a.consistency_weight),
          "adamix: consistency_weight must be >= 0");
  return a;
}

torch::Tensor symmetric_kl(const torch::Tensor& first, const torch::Tensor& second) {
  if (first.size(-1) == 1) return (first - second).square().mean();
  const auto p = torch::log_softmax(first, -1), q = torch::log_softmax(second, -1);
  return ((p.exp() - q.exp()) * (p - q)).sum(-1).mean();  // KL(p‖q) + KL(q‖p), term by term
}

MixtureAdapterImpl::MixtureAdapterImpl(int64_t hidden, const AdaMixConfig& c)
    : non_linearity_(models::activation_for(c.non_linearity)) {
  const auto n = c.num_experts, m = c.bottleneck;
  // Each expert as AdapterHub's mam_adapter init: down as nn.Linear's default, up zero (the identity).
  down_weight = register_parameter("down_weight", torch::empty({n, m, hidden}));
  down_bias = register_parameter("down_bias", torch::zeros({n, m}));
  up_weight = register_parameter("up_weight", torch::zeros({n, hidden, m}));
  up_bias = register_parameter("up_bias", torch::zeros({n, hidden}));
  torch::NoGradGuard no_grad;
  for (int64_t i = 0; i < n; ++i) torch::nn::init::kaiming_uniform_(down_weight[i], std::sqrt(5.0));
  if (c.expert_init == "same") down_weight.copy_(down_weight[0].unsqueeze(0).expand_as(down_weight));
}

torch::Tensor MixtureAdapterImpl::apply(const torch::Tensor& out, const torch::Tensor&, const nn::ForwardContext& ctx) {
  namespace F = torch::nn::functional;
  if (!ctx.training) {
    const auto hidden = non_linearity_(F::linear(out, down_weight.mean(0), down_bias.mean(0)));
    return out + F::linear(hidden, up_weight.mean(0), up_bias.mean(0));
  }
  // Stochastic routing: one down and one up expert for the whole batch, from the seeded generator.
  const auto experts = torch::randint(down_weight.size(0), {2}, torch::kLong);
  const auto down = experts[0].item<int64_t>(), up = experts[1].item<int64_t>();
  return out + F::linear(non_linearity_(F::linear(out, down_weight[down], down_bias[down])), up_weight[up],
                         up_bias[up]);
}

AdaMix::AdaMix(const nlohmann::json& json) {
  MethodConfig c(json, "adamix");
  config_ = AdaMixConfig::read(c);
  c.finish();
}

void AdaMix::attach(models::TaskModelImpl& model, const std::string& adapter_name) {
  const int64_t hidden = model.config().hidden_size;
  config_.bottleneck = bottleneck_width(config_.bottleneck, config_.reduction_factor, hidden);
  for (auto& site : model.sites().branch) {
    if (!adapter_goes_at(site.role, config_.mh_adapter, config_.output_adapter)) continue;
    auto adapter = std::make_shared<MixtureAdapterImpl>(hidden, config_);
    register_module("site" + std::to_string(adapters_.size()), adapter);
    site.site->attach(adapter_name, adapter);
    adapters_.emplace_back(site.path, adapter);
  }
}

NamedTensors AdaMix::own_tensors() const {
  NamedTensors out;
  for (const auto& [path, a] : adapters_) {
    out.emplace_back(path + ".adapter.experts.down.weight", a->down_weight);
    out.emplace_back(path + ".adapter.experts.down.bias", a->down_bias);
    out.emplace_back(path + ".adapter.experts.up.weight", a->up_weight);
    out.emplace_back(path + ".adapter.experts.up.bias", a->up_bias);
  }
  return out;
}

torch::Tensor AdaMix::consistency_loss(const torch::Tensor& first, const torch::Tensor& second) {
  if (config_.consistency_weight == 0) return {};
  return symmetric_kl(first, second) * config_.consistency_weight;
}

NamedTensors AdaMix::saved_tensors() const {
  torch::NoGradGuard no_grad;
  NamedTensors out;
  for (const auto& [path, a] : adapters_) {
    out.emplace_back(path + ".adapter.down.weight", a->down_weight.mean(0));
    out.emplace_back(path + ".adapter.down.bias", a->down_bias.mean(0));
    out.emplace_back(path + ".adapter.up.weight", a->up_weight.mean(0));
    out.emplace_back(path + ".adapter.up.bias", a->up_bias.mean(0));
  }
  return out;
}

void AdaMix::load_saved(models::TensorMap& tensors, const std::string& context) {
  torch::NoGradGuard no_grad;
  for (const auto& [path, a] : adapters_)
    for (auto [name, experts] : {std::pair{".adapter.down.weight", a->down_weight},
                                 std::pair{".adapter.down.bias", a->down_bias},
                                 std::pair{".adapter.up.weight", a->up_weight},
                                 std::pair{".adapter.up.bias", a->up_bias}}) {
      const auto key = file_roots().own + path + name;
      const auto it = tensors.find(path + name);
      require(it != tensors.end(), context + ": tensor '" + key + "' is missing");
      require(it->second.sizes() == experts[0].sizes(), context + ": tensor '" + key + "' has shape " +
                                                            c10::str(it->second.sizes()) + ", the model expects " +
                                                            c10::str(experts[0].sizes()));
      experts.copy_(it->second.unsqueeze(0).expand_as(experts));  // every expert starts from the average
      tensors.erase(it);
    }
}

nlohmann::json AdaMix::config_json() const {
  return {{"num_experts", config_.num_experts},
          {"bottleneck", config_.bottleneck > 0 ? nlohmann::json(config_.bottleneck) : nlohmann::json(nullptr)},
          {"reduction_factor", config_.reduction_factor},
          {"non_linearity", config_.non_linearity},
          {"mh_adapter", config_.mh_adapter},
          {"output_adapter", config_.output_adapter},
          {"consistency_weight", config_.consistency_weight},
          {"expert_init", config_.expert_init}};
}

}  // namespace peft::methods
