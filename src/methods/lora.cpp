#include "methods/lora.h"

#include <cmath>

#include <c10/core/impl/LocalDispatchKeySet.h>

#include "core/dropout.h"
#include "models/tensor_names.h"

namespace peft::methods {

ModulePattern ModulePattern::read(const nlohmann::json* value, const std::string& context, bool whole) {
  ModulePattern p;
  p.whole = whole;
  if (!value) return p;
  require(value->is_object(), context + ": expected an object of module name -> number, got " + value->dump());
  for (const auto& [key, v] : value->items()) {
    require(v.is_number() && v.get<double>() > 0, context + ": '" + key + "' needs a positive number, got " + v.dump());
    require(!whole || v.get<double>() == std::floor(v.get<double>()), context + ": '" + key + "' must be a whole number");
    try {
      p.entries.push_back({key, std::regex("(.*\\.)?(" + key + ")", std::regex::ECMAScript), v.get<double>()});
    } catch (const std::regex_error& e) {
      throw Error(context + ": '" + key + "' is not a valid regex: " + e.what());
    }
  }
  return p;
}

double ModulePattern::value_for(const std::string& module_path, double fallback) const {
  for (const auto& e : entries)
    if (std::regex_match(module_path, e.regex)) return e.value;
  return fallback;
}

nlohmann::json ModulePattern::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& e : entries)
    out[e.key] = whole ? nlohmann::json(static_cast<int64_t>(e.value)) : nlohmann::json(e.value);
  return out;
}

int64_t LoraConfig::rank_for(const std::string& path) const {
  return static_cast<int64_t>(rank_pattern.value_for(path, double(r)));
}

double LoraConfig::scaling_for(const std::string& path) const {
  const double rank = double(rank_for(path)), alpha = alpha_pattern.value_for(path, lora_alpha);
  return use_rslora ? alpha / std::sqrt(rank) : alpha / rank;
}

LoraConfig LoraConfig::read(MethodConfig& c) {
  LoraConfig l;
  l.r = c.get<int64_t>("r", l.r);
  l.lora_alpha = c.get<double>("lora_alpha", l.lora_alpha);
  l.rank_pattern = ModulePattern::read(c.raw("rank_pattern"), "lora: rank_pattern", /*whole=*/true);
  l.alpha_pattern = ModulePattern::read(c.raw("alpha_pattern"), "lora: alpha_pattern", /*whole=*/false);
  l.lora_dropout = c.get<double>("lora_dropout", l.lora_dropout);
  l.use_rslora = c.get<bool>("use_rslora", l.use_rslora);
  l.use_dora = c.get<bool>("use_dora", l.use_dora);
  l.bias = c.choice("bias", l.bias, {"none", "all", "lora_only"});
  // HF's default targets for BERT-family encoders.
  l.target_modules = ModuleSelector::from_json(c.raw("target_modules"), {"query", "value"}, "lora: target_modules");
  l.modules_to_save = ModuleSelector::from_json(c.raw("modules_to_save"), {}, "lora: modules_to_save");
  require(l.r > 0, "lora: r must be positive, got " + std::to_string(l.r));
  require(l.lora_alpha > 0 && std::isfinite(l.lora_alpha), "lora: lora_alpha must be positive");
  require(l.lora_dropout >= 0 && l.lora_dropout < 1, "lora: lora_dropout must be in [0, 1)");
  return l;
}

LoraDeltaImpl::LoraDeltaImpl(const torch::Tensor& weight, const torch::Tensor& bias, const LoraConfig& c,
                             const std::string& path)
    : scaling_(c.scaling_for(path)), dropout_(c.lora_dropout), weight_(weight), bias_(bias) {
  const auto out = weight.size(0), in = weight.size(1), r = c.rank_for(path);
  lora_A = register_parameter("lora_A", torch::empty({r, in}, weight.options()));
  lora_B = register_parameter("lora_B", torch::zeros({out, r}, weight.options()));
  // As HF PEFT: A like nn.Linear's default init, B zero, so training starts at the base model.
  torch::NoGradGuard no_grad;
  torch::nn::init::kaiming_uniform_(lora_A, std::sqrt(5.0));
  // DoRA starts at m = ||W|| per row, so the scale is one and the model is the base's.
  if (c.use_dora) magnitude = register_parameter("lora_magnitude_vector", frozen_row_norms_squared().sqrt());
}

namespace {
// A kept tensor is still valid when the tensors it came from have their versions of then (no in-place
// change since: optimizer steps, loading and merging all bump them), sit on its device, and the grad
// mode matches (a tensor made under InferenceMode cannot enter an autograd graph later).
std::vector<int64_t> versions_of(std::initializer_list<torch::Tensor> tensors) {
  std::vector<int64_t> v;
  for (const auto& t : tensors) v.push_back(int64_t(t._version()));
  return v;
}
bool still_valid(const torch::Tensor& kept, const std::vector<int64_t>& kept_versions,
                 const std::vector<int64_t>& versions, const torch::Tensor& source) {
  return kept.defined() && kept_versions == versions && kept.device() == source.device() &&
         kept.is_inference() == c10::InferenceMode::is_enabled();
}
}  // namespace

torch::Tensor LoraDeltaImpl::frozen_row_norms_squared() {
  const auto versions = versions_of({weight_});
  if (!still_valid(weight_norms_squared_, weight_version_, versions, weight_)) {
    weight_norms_squared_ = weight_.detach().to(torch::kFloat32).square().sum(1);
    weight_version_ = versions;
  }
  return weight_norms_squared_;
}

// ||W + s·B·A||² per row = ||W||² + 2s·<W, B·A> + s²·||B·A||², each low-rank term from [out, r] products
// (W·Aᵀ and B·(A·Aᵀ)): no [out, in] update is formed, and ||W||² is kept between steps. In fp32, autocast
// or not: the scale multiplies the whole frozen output.
torch::Tensor LoraDeltaImpl::updated_row_norms() {
  const auto versions = versions_of({weight_, lora_A, lora_B});
  if (still_valid(row_norms_, norms_version_, versions, weight_)) return row_norms_;
  torch::NoGradGuard no_grad;
  c10::impl::ExcludeDispatchKeyGuard no_autocast(c10::autocast_dispatch_keyset);
  const auto A = lora_A.detach().to(torch::kFloat32), B = lora_B.detach().to(torch::kFloat32);
  const auto cross = (torch::matmul(weight_.detach().to(torch::kFloat32), A.t()) * B).sum(1);
  const auto update = (torch::matmul(B, torch::matmul(A, A.t())) * B).sum(1);
  row_norms_ = (frozen_row_norms_squared() + 2 * scaling_ * cross + scaling_ * scaling_ * update).clamp_min(0).sqrt();
  norms_version_ = versions;
  return row_norms_;
}

torch::Tensor LoraDeltaImpl::apply(const torch::Tensor& input, const torch::Tensor& output,
                                  const nn::ForwardContext& ctx) {
  auto x = peft::dropout(input, dropout_, ctx.training);
  auto update = torch::matmul(torch::matmul(x, lora_A.t()), lora_B.t()) * scaling_;
  if (!magnitude.defined()) return output + update;
  // DoRA: m/n · (W x + s·B·A x) + b. Without dropout W x is the output less its bias (at a site where DoRA
  // is the only delta so far), so this is (output − b + s·B·A x) · m/n + b; with dropout HF PEFT rescales
  // W·dropout(x) instead: output + (m/n − 1)·W·dropout(x) + m/n · s·B·A·dropout(x).
  const auto scale = (magnitude / updated_row_norms()).to(output.scalar_type());
  if (dropout_ > 0 && ctx.training)
    return output + (scale - 1) * torch::nn::functional::linear(x, weight_) + scale * update;
  if (!bias_.defined()) return (output + update) * scale;
  const auto bias = bias_.to(output.scalar_type());
  return (output - bias + update) * scale + bias;
}

bool LoraDeltaImpl::batches_with(const nn::LinearDelta& other) const {
  const auto* lora = dynamic_cast<const LoraDeltaImpl*>(&other);
  // One dropout draw serves every row; DoRA's rescaled frozen output is not a product of gathered factors.
  return lora && lora->dropout_ == dropout_ && !magnitude.defined() && !lora->magnitude.defined();
}

torch::Tensor LoraDeltaImpl::apply_rows(const torch::Tensor& input, const torch::Tensor& output,
                                        const std::vector<nn::LinearDelta*>& peers, const torch::Tensor& rows,
                                        const nn::ForwardContext& ctx) {
  int64_t rank = 0;
  for (auto* p : peers)
    if (p) rank = std::max(rank, static_cast<LoraDeltaImpl*>(p)->lora_A.size(0));
  const auto in = lora_A.size(1), out = lora_B.size(0);
  // Slot j holds adapter j's factors, the last slot zeros for rows of no adapter; scaling rides on B.
  std::vector<torch::Tensor> As, Bs;
  for (auto* p : peers) {
    auto* lora = static_cast<LoraDeltaImpl*>(p);
    const auto r = lora ? lora->lora_A.size(0) : 0;
    auto A = torch::zeros({rank, in}, lora_A.options()), B = torch::zeros({out, rank}, lora_B.options());
    if (lora) {
      A = torch::cat({lora->lora_A, A.narrow(0, r, rank - r)}, 0);
      B = torch::cat({lora->lora_B * lora->scaling_, B.narrow(1, r, rank - r)}, 1);
    }
    As.push_back(A);
    Bs.push_back(B);
  }
  As.push_back(torch::zeros({rank, in}, lora_A.options()));
  Bs.push_back(torch::zeros({out, rank}, lora_B.options()));
  const auto slot = torch::where(rows.ge(0), rows, torch::full_like(rows, int64_t(peers.size())));
  const auto A = torch::stack(As).index_select(0, slot), B = torch::stack(Bs).index_select(0, slot);
  const auto batch = input.size(0);
  auto x = peft::dropout(input, dropout_, ctx.training).reshape({batch, -1, in});
  auto delta = torch::bmm(torch::bmm(x, A.transpose(1, 2)), B.transpose(1, 2));
  return output + delta.view(output.sizes());
}

// DoRA merges as W' = m/n · (W + s·B·A), the bias unchanged; the scale is kept to undo it.
void LoraDeltaImpl::merge(torch::Tensor& weight, torch::Tensor&) {
  if (!magnitude.defined()) {
    weight.add_(update_weight());
    return;
  }
  merged_scale_ = (magnitude / updated_row_norms()).unsqueeze(1);
  weight.add_(update_weight()).mul_(merged_scale_);
}

void LoraDeltaImpl::unmerge(torch::Tensor& weight, torch::Tensor&) {
  if (magnitude.defined()) weight.div_(merged_scale_);
  weight.sub_(update_weight());
}

LoraEmbeddingDeltaImpl::LoraEmbeddingDeltaImpl(int64_t num_embeddings, int64_t dim, const LoraConfig& c,
                                               const std::string& path)
    : scaling_(c.scaling_for(path)) {
  lora_A = register_parameter("lora_embedding_A", torch::zeros({c.rank_for(path), num_embeddings}));
  lora_B = register_parameter("lora_embedding_B", torch::randn({dim, c.rank_for(path)}));
}

torch::Tensor LoraEmbeddingDeltaImpl::apply(const torch::Tensor& ids, const torch::Tensor& output,
                                           const nn::ForwardContext&) {
  return output + torch::matmul(torch::embedding(lora_A.t(), ids), lora_B.t()) * scaling_;
}

// The table is [num_embeddings, dim]: the transpose of the linear map's [out, in].
void LoraEmbeddingDeltaImpl::merge(torch::Tensor& weight, torch::Tensor&) {
  weight.add_(torch::matmul(lora_B, lora_A).t() * scaling_);
}

void LoraEmbeddingDeltaImpl::unmerge(torch::Tensor& weight, torch::Tensor&) {
  weight.sub_(torch::matmul(lora_B, lora_A).t() * scaling_);
}

Lora::Lora(const nlohmann::json& json) {
  MethodConfig c(json, "lora");
  config_ = LoraConfig::read(c);
  c.finish();
}

void Lora::attach(models::TaskModelImpl& model, const std::string& adapter) {
  std::vector<std::string> paths;
  for (auto& site : model.linear_sites()) {
    paths.push_back(site.path);
    if (!config_.target_modules.matches(site.path)) continue;
    auto delta = std::make_shared<LoraDeltaImpl>(site.linear->weight, site.linear->bias, config_, site.path);
    register_module("site" + std::to_string(deltas_.size()), delta);
    site.linear->attach(adapter, delta);
    deltas_.emplace_back(site.path, delta);
  }
  for (auto& site : model.embedding_sites()) {
    paths.push_back(site.path);
    if (!config_.target_modules.matches(site.path, /*is_linear=*/false)) continue;
    require(!config_.use_dora, "lora: use_dora is supported on linear layers only, not on " + site.path);
    auto delta = std::make_shared<LoraEmbeddingDeltaImpl>(site.embedding->num_embeddings,
                                                          site.embedding->embedding_dim, config_, site.path);
    register_module("embedding" + std::to_string(embedding_deltas_.size()), delta);
    site.embedding->attach(adapter, delta);
    embedding_deltas_.emplace_back(site.path, delta);
  }
  config_.target_modules.require_all_used(paths);
  // modules_to_save is not checked: HF PEFT lists every family's head name there ("classifier", "score").
}

bool Lora::trains_base_tensor(const std::string& name) const {
  const auto path = models::module_path(name);
  if (config_.modules_to_save.matches(path)) return true;
  if (!models::is_bias(name) || config_.bias == "none") return false;
  if (config_.bias == "all") return true;
  return std::any_of(deltas_.begin(), deltas_.end(), [&](const auto& d) { return d.first == path; });
}

NamedTensors Lora::own_tensors() const { return names_of_roles(); }

std::vector<RoledTensor> Lora::own_tensor_roles() const {
  std::vector<RoledTensor> out;
  for (const auto& [path, delta] : deltas_) {
    out.push_back({path + ".lora_A.weight", delta->lora_A, models::TensorRole::FactorIn});
    out.push_back({path + ".lora_B.weight", delta->lora_B, models::TensorRole::FactorOut});
    // No weight decay: it would pull the magnitudes towards zero, not towards the base's norms.
    if (delta->magnitude.defined())
      out.push_back({path + ".lora_magnitude_vector", delta->magnitude, models::TensorRole::Norm});
  }
  // HF PEFT's keys for embedding factors (parameters, not modules); plain roles: LoRA+ speeds up the B of
  // linear layers only.
  for (const auto& [path, delta] : embedding_deltas_) {
    out.push_back({path + ".lora_embedding_A", delta->lora_A, models::TensorRole::Weight});
    out.push_back({path + ".lora_embedding_B", delta->lora_B, models::TensorRole::Weight});
  }
  return out;
}

void Lora::load_saved(models::TensorMap& tensors, const std::string& context) {
  for (const auto& [path, delta] : deltas_) {
    const auto alias = tensors.find(path + ".lora_magnitude_vector.weight");
    const bool renamed = delta->magnitude.defined() && alias != tensors.end();
    if (!renamed || tensors.count(path + ".lora_magnitude_vector")) continue;
    auto magnitude = alias->second;
    tensors.erase(alias);
    tensors.emplace(path + ".lora_magnitude_vector", magnitude);
  }
  Method::load_saved(tensors, context);
}

nlohmann::json Lora::config_json() const {
  return {{"r", config_.r},
          {"lora_alpha", config_.lora_alpha},
          {"rank_pattern", config_.rank_pattern.to_json()},
          {"alpha_pattern", config_.alpha_pattern.to_json()},
          {"lora_dropout", config_.lora_dropout},
          {"use_rslora", config_.use_rslora},
          {"bias", config_.bias},
          {"target_modules", config_.target_modules.to_json()},
          {"modules_to_save", config_.modules_to_save.empty() ? nlohmann::json(nullptr) : config_.modules_to_save.to_json()},
          {"fan_in_fan_out", false},
          {"use_dora", config_.use_dora}};
}

}  // namespace peft::methods
