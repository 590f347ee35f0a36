#include "methods/compacter.h"

#include "methods/adapter_placement.h"

namespace peft::methods {

CompacterConfig CompacterConfig::read(MethodConfig& c, bool plus_plus) {
  CompacterConfig p;
  const std::string name = plus_plus ? "compacterpp" : "compacter";
  p.bottleneck = c.get<int64_t>("bottleneck", 0);
  p.reduction_factor = c.get<double>("reduction_factor", p.reduction_factor);
  p.non_linearity = c.choice("non_linearity", p.non_linearity, {"relu", "gelu", "swish", "silu", "tanh"});
  p.phm_dim = c.get<int64_t>("phm_dim", p.phm_dim);
  p.phm_rank = c.get<int64_t>("phm_rank", p.phm_rank);
  p.shared_phm_rule = c.get<bool>("shared_phm_rule", p.shared_phm_rule);
  p.phm_init_range = c.get<double>("phm_init_range", p.phm_init_range);
  p.mh_adapter = c.get<bool>("mh_adapter", !plus_plus);
  p.output_adapter = c.get<bool>("output_adapter", true);
  require(p.bottleneck > 0 || !c.raw("bottleneck"), name + ": bottleneck must be positive");
  require(p.reduction_factor > 0, name + ": reduction_factor must be positive");
  require(p.phm_dim > 0 && p.phm_rank > 0, name + ": phm_dim and phm_rank must be positive");
  require(p.phm_init_range > 0, name + ": phm_init_range must be positive");
  require(p.mh_adapter || p.output_adapter, name + ": mh_adapter and output_adapter are both false");
  return p;
}

namespace {
torch::Tensor new_rule(int64_t n, double std) { return torch::randn({n, n, n}) * std; }
}  // namespace

PhmLinearImpl::PhmLinearImpl(int64_t in, int64_t out, const CompacterConfig& c, torch::Tensor shared_rule) {
  const auto n = c.phm_dim, r = c.phm_rank;
  rule = shared_rule.defined() ? shared_rule : register_parameter("rule", new_rule(n, c.phm_init_range));
  s = register_parameter("s", torch::empty({n, in / n, r}));
  t = register_parameter("t", torch::empty({n, r, out / n}));
  bias = register_parameter("bias", torch::zeros({out}));
  // AdapterHub's glorot-uniform for each factor of each term.
  torch::NoGradGuard no_grad;
  for (int64_t i = 0; i < n; ++i) {
    torch::nn::init::xavier_uniform_(s[i]);
    torch::nn::init::xavier_uniform_(t[i]);
  }
}

torch::Tensor PhmLinearImpl::weight() const {
  // kron(A, B)[a·p + c, b·q + d] = A[a, b]·B[c, d], summed over the terms i.
  const auto n = rule.size(0), p = s.size(1), q = t.size(2);
  return torch::einsum("iab,icd->acbd", {rule, torch::bmm(s, t)}).reshape({n * p, n * q});
}

torch::Tensor PhmLinearImpl::forward(const torch::Tensor& x) { return torch::matmul(x, weight()) + bias; }

CompacterAdapterImpl::CompacterAdapterImpl(int64_t hidden, const CompacterConfig& c, const torch::Tensor& down_rule,
                                           const torch::Tensor& up_rule)
    : non_linearity_(models::activation_for(c.non_linearity)) {
  down = register_module("down", PhmLinear(hidden, c.bottleneck, c, down_rule));
  up = register_module("up", PhmLinear(c.bottleneck, hidden, c, up_rule));
}

torch::Tensor CompacterAdapterImpl::apply(const torch::Tensor& out, const torch::Tensor&, const nn::ForwardContext&) {
  return out + up(non_linearity_(down(out)));
}

Compacter::Compacter(const nlohmann::json& json, bool plus_plus) : plus_plus_(plus_plus) {
  MethodConfig c(json, method_name());
  config_ = CompacterConfig::read(c, plus_plus);
  c.finish();
}

void Compacter::attach(models::TaskModelImpl& model, const std::string& adapter_name) {
  const int64_t hidden = model.config().hidden_size, n = config_.phm_dim;
  config_.bottleneck = bottleneck_width(config_.bottleneck, config_.reduction_factor, hidden);
  require(hidden % n == 0 && config_.bottleneck % n == 0,
          std::string(method_name()) + ": phm_dim " + std::to_string(n) + " must divide the hidden size (" +
              std::to_string(hidden) + ") and the bottleneck (" + std::to_string(config_.bottleneck) + ")");
  if (config_.shared_phm_rule) {
    down_rule_ = register_parameter("phm_rule_down", new_rule(n, config_.phm_init_range));
    up_rule_ = register_parameter("phm_rule_up", new_rule(n, config_.phm_init_range));
  }
  for (auto& site : model.sites().branch) {
    if (!adapter_goes_at(site.role, config_.mh_adapter, config_.output_adapter)) continue;
    auto adapter = std::make_shared<CompacterAdapterImpl>(hidden, config_, down_rule_, up_rule_);
    register_module("site" + std::to_string(adapters_.size()), adapter);
    site.site->attach(adapter_name, adapter);
    adapters_.emplace_back(site.path, adapter);
  }
}

NamedTensors Compacter::own_tensors() const {
  NamedTensors out;
  if (config_.shared_phm_rule) {
    out.emplace_back("compacter.phm_rule_down", down_rule_);
    out.emplace_back("compacter.phm_rule_up", up_rule_);
  }
  for (const auto& [path, a] : adapters_)
    for (const auto& [part, layer] : {std::pair{"down", a->down}, std::pair{"up", a->up}}) {
      const auto prefix = path + ".adapter." + part + ".";
      if (!config_.shared_phm_rule) out.emplace_back(prefix + "phm_rule", layer->rule);
      out.emplace_back(prefix + "phm_s", layer->s);
      out.emplace_back(prefix + "phm_t", layer->t);
      out.emplace_back(prefix + "bias", layer->bias);
    }
  return out;
}

nlohmann::json Compacter::config_json() const {
  return {{"bottleneck", config_.bottleneck > 0 ? nlohmann::json(config_.bottleneck) : nlohmann::json(nullptr)},
          {"reduction_factor", config_.reduction_factor},
          {"non_linearity", config_.non_linearity},
          {"phm_dim", config_.phm_dim},
          {"phm_rank", config_.phm_rank},
          {"shared_phm_rule", config_.shared_phm_rule},
          {"phm_init_range", config_.phm_init_range},
          {"mh_adapter", config_.mh_adapter},
          {"output_adapter", config_.output_adapter}};
}

}  // namespace peft::methods
