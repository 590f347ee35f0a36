#include "methods/bottleneck_adapter.h"

#include <algorithm>

#include "methods/adapter_placement.h"
#include "models/tensor_names.h"

namespace peft::methods {
namespace {

// Re-draws entries beyond 2 sigma until none are left: a true truncated normal, not a clamp.
void truncated_normal_(torch::Tensor& t, double std) {
  torch::NoGradGuard no_grad;
  t.normal_(0.0, std);
  for (auto outside = t.abs() > 2 * std; outside.any().item<bool>(); outside = t.abs() > 2 * std)
    t.masked_scatter_(outside, torch::randn({outside.sum().item<int64_t>()}, t.options()) * std);
}

const char* name_of(AdapterVariant variant) {
  switch (variant) {
    case AdapterVariant::Houlsby: return "houlsby";
    case AdapterVariant::Pfeiffer: return "pfeiffer";
    case AdapterVariant::Parallel: return "parallel";
  }
  return "";
}

}  // namespace

// Defaults as AdapterHub's DoubleSeqBnConfig (Houlsby), SeqBnConfig (Pfeiffer) and ParBnConfig.
BottleneckConfig BottleneckConfig::read(MethodConfig& c, AdapterVariant variant) {
  BottleneckConfig b;
  const char* name = name_of(variant);
  const bool houlsby = variant == AdapterVariant::Houlsby, parallel = variant == AdapterVariant::Parallel;
  b.bottleneck = c.get<int64_t>("bottleneck", 0);
  b.reduction_factor = c.get<double>("reduction_factor", parallel ? 2 : b.reduction_factor);
  b.non_linearity = c.choice("non_linearity", houlsby ? "swish" : "relu", {"relu", "gelu", "swish", "silu", "tanh"});
  b.init_weights = c.choice("init_weights", parallel ? "mam_adapter" : "houlsby", {"houlsby", "bert", "mam_adapter"});
  b.init_std = c.get<double>("init_std", b.init_std);
  b.train_layer_norms = c.get<bool>("train_layer_norms", houlsby);
  b.mh_adapter = c.get<bool>("mh_adapter", houlsby);
  b.output_adapter = c.get<bool>("output_adapter", true);
  require(b.mh_adapter || b.output_adapter, std::string(name) + ": mh_adapter and output_adapter are both false");
  if (parallel) {
    const auto* scaling = c.raw("scaling");
    b.learned_scaling = scaling && scaling->is_string() && scaling->get<std::string>() == "learned";
    if (scaling && !b.learned_scaling && !scaling->is_number())
      throw Error(std::string(name) + ": scaling must be a number or \"learned\", got " + scaling->dump());
    b.scaling = scaling && scaling->is_number() ? scaling->get<double>() : 4.0;  // He et al.'s best at the MLP
    require(std::isfinite(b.scaling), std::string(name) + ": scaling must be finite");
  }
  if (const auto* inv = c.raw("inv_adapter")) {
    require(inv->is_string() && inv->get<std::string>() == "nice",
            std::string(name) + ": inv_adapter " + inv->dump() + " is not supported (\"nice\" or null)");
    b.inv_adapter = "nice";
  }
  b.inv_adapter_reduction_factor = c.get<double>("inv_adapter_reduction_factor", b.inv_adapter_reduction_factor);
  require(b.bottleneck > 0 || !c.raw("bottleneck"),
          std::string(name) + ": bottleneck must be positive (or leave it out: hidden_size / reduction_factor)");
  require(b.reduction_factor > 0, std::string(name) + ": reduction_factor must be positive");
  require(b.init_std > 0, std::string(name) + ": init_std must be positive");
  require(b.inv_adapter_reduction_factor > 0, std::string(name) + ": inv_adapter_reduction_factor must be positive");
  return b;
}

BottleneckImpl::BottleneckImpl(int64_t hidden, const BottleneckConfig& c, bool parallel)
    : non_linearity_(models::activation_for(c.non_linearity)), parallel_(parallel), fixed_scaling_(c.scaling) {
  down = register_module("down", torch::nn::Linear(hidden, c.bottleneck));
  up = register_module("up", torch::nn::Linear(c.bottleneck, hidden));
  if (parallel && c.learned_scaling) scaling = register_parameter("scaling", torch::ones({1}));
  // Near-identity start (Houlsby et al. 3.6): small weights (or a zero up), zero biases, so the adapter
  // adds ~0.
  torch::NoGradGuard no_grad;
  if (c.init_weights == "houlsby") {
    truncated_normal_(down->weight, c.init_std);
    truncated_normal_(up->weight, c.init_std);
  } else if (c.init_weights == "bert") {
    down->weight.normal_(0.0, 0.02);
    up->weight.normal_(0.0, 0.02);
  } else {
    up->weight.zero_();  // down keeps torch::nn::Linear's kaiming-uniform init
  }
  down->bias.zero_();
  up->bias.zero_();
}

torch::Tensor BottleneckImpl::apply(const torch::Tensor& out, const torch::Tensor& in, const nn::ForwardContext&) {
  if (!parallel_) return out + up(non_linearity_(down(out)));
  const auto branch = up(non_linearity_(down(in)));
  return out + (scaling.defined() ? branch * scaling : branch * fixed_scaling_);
}

const char* BottleneckAdapter::method_name() const { return name_of(variant_); }

const char* BottleneckAdapter::peft_type() const {
  switch (variant_) {
    case AdapterVariant::Houlsby: return "HOULSBY";
    case AdapterVariant::Pfeiffer: return "PFEIFFER";
    case AdapterVariant::Parallel: return "PARALLEL";
  }
  return "";
}

BottleneckAdapter::BottleneckAdapter(const nlohmann::json& json, AdapterVariant variant) : variant_(variant) {
  MethodConfig c(json, method_name());
  config_ = BottleneckConfig::read(c, variant);
  c.finish();
}

void BottleneckAdapter::attach(models::TaskModelImpl& model, const std::string& adapter_name) {
  const int64_t hidden = model.config().hidden_size;
  config_.bottleneck = bottleneck_width(config_.bottleneck, config_.reduction_factor, hidden);
  const auto sites = model.sites();
  for (auto& site : sites.branch) {
    if (!adapter_goes_at(site.role, config_.mh_adapter, config_.output_adapter)) continue;
    auto adapter = std::make_shared<BottleneckImpl>(hidden, config_, variant_ == AdapterVariant::Parallel);
    register_module("site" + std::to_string(adapters_.size()), adapter);
    site.site->attach(adapter_name, adapter);
    adapters_.emplace_back(site.path, adapter);
  }
  if (config_.inv_adapter.empty()) return;
  // A masked-LM head would need the inverse coupling before its tied decoder (MAD-X); not built yet.
  require(model.kind() != models::TaskKind::MaskedLM,
          std::string(method_name()) + ": inv_adapter is not supported with a masked-LM head");
  const auto site = std::find_if(sites.branch.begin(), sites.branch.end(),
                                 [](const auto& s) { return s.role == models::SiteRole::EmbeddingOutput; });
  require(site != sites.branch.end(), std::string(method_name()) + ": inv_adapter needs an embedding-output site");
  inv_adapter_ = std::make_shared<NiceCouplingImpl>(hidden, config_.inv_adapter_reduction_factor, config_.non_linearity);
  register_module("inv", inv_adapter_);
  site->site->attach(adapter_name, inv_adapter_);
  inv_path_ = site->path;
}

bool BottleneckAdapter::trains_base_tensor(const std::string& name) const {
  return config_.train_layer_norms && models::is_layer_norm(name);
}

NamedTensors BottleneckAdapter::own_tensors() const {
  NamedTensors out;
  for (const auto& [path, a] : adapters_) {
    out.emplace_back(path + ".adapter.down.weight", a->down->weight);
    out.emplace_back(path + ".adapter.down.bias", a->down->bias);
    out.emplace_back(path + ".adapter.up.weight", a->up->weight);
    out.emplace_back(path + ".adapter.up.bias", a->up->bias);
    if (a->scaling.defined()) out.emplace_back(path + ".adapter.scaling", a->scaling);
  }
  if (inv_adapter_) {
    for (const auto& item : inv_adapter_->named_parameters()) out.emplace_back(inv_path_ + "." + item.key(), item.value());
  }
  return out;
}

nlohmann::json BottleneckAdapter::config_json() const {
  const auto bottleneck = config_.bottleneck > 0 ? nlohmann::json(config_.bottleneck) : nlohmann::json(nullptr);
  nlohmann::json out = {{"bottleneck", bottleneck},
          {"reduction_factor", config_.reduction_factor},
          {"non_linearity", config_.non_linearity},
          {"init_weights", config_.init_weights},
          {"init_std", config_.init_std},
          {"train_layer_norms", config_.train_layer_norms},
          {"mh_adapter", config_.mh_adapter},
          {"output_adapter", config_.output_adapter},
          {"inv_adapter", config_.inv_adapter.empty() ? nlohmann::json() : nlohmann::json(config_.inv_adapter)},
          {"inv_adapter_reduction_factor", config_.inv_adapter_reduction_factor}};
  if (variant_ == AdapterVariant::Parallel)
    out["scaling"] = config_.learned_scaling ? nlohmann::json("learned") : nlohmann::json(config_.scaling);
  return out;
}

}  // namespace peft::methods
