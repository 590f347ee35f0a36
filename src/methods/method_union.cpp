#include "methods/method_union.h"

#include <algorithm>
#include <set>

#include "core/error.h"
#include "methods/method_config.h"
#include "methods/registry.h"

namespace peft::methods {

MethodUnion::MethodUnion(const nlohmann::json& json) {
  MethodConfig c(json, "union");
  const auto names = c.get<std::vector<std::string>>("methods", {});
  require(names.size() >= 2, "union: 'methods' must name at least two methods (e.g. houlsby+lora)");
  std::set<std::string> seen;
  for (const auto& name : names) {
    require(name != "union", "union: a union cannot contain another union");
    require(seen.insert(name).second, "union: method '" + name + "' is named twice");
    const auto* options = c.raw(name);
    members_.push_back(create_method(name, options ? *options : nlohmann::json::object()));
    name_ += (name_.empty() ? "" : "+") + name;
    register_module(name, members_.back());
  }
  try {
    c.finish();
  } catch (const Error& e) {  // a member's option given without its member's name
    throw Error(name_ + ": options go under their method's name (e.g. " + names.back() + ".key=value); " + e.what());
  }
}

std::shared_ptr<Method> mam_adapter(const nlohmann::json& config) {
  require(config.is_object() || config.is_null(), "mam: config must be a JSON object");
  nlohmann::json members = {
      {"methods", {"prefix_tuning", "parallel"}},
      {"prefix_tuning", {{"num_virtual_tokens", 30}, {"prefix_projection", true}, {"encoder_hidden_size", 800}}},
      {"parallel", nlohmann::json::object()}};
  const auto overrides = config.is_null() ? nlohmann::json::object() : config;
  for (const auto& [key, value] : overrides.items()) {
    require(key != "methods", "mam: the members are fixed (prefix_tuning, parallel); use a+b for others");
    require(members.contains(key) && value.is_object(),
            "mam: options go under prefix_tuning or parallel (e.g. prefix_tuning.num_virtual_tokens=10), not '" +
                key + "'");
    members[key].update(value);
  }
  return std::make_shared<MethodUnion>(members);
}

void MethodUnion::attach(models::TaskModelImpl& model, const std::string& adapter) {
  for (auto& m : members_) m->attach(model, adapter);
  std::set<std::string> names;
  for (const auto& [name, _] : own_tensors())
    require(names.insert(name).second, name_ + ": two methods would both save tensor '" + name + "'");
}

bool MethodUnion::trains_base_tensor(const std::string& name) const {
  for (const auto& m : members_)
    if (m->trains_base_tensor(name)) return true;
  return false;
}

namespace {
template <typename T, typename Each>
std::vector<T> concatenated(const std::vector<std::shared_ptr<Method>>& members, Each each) {
  std::vector<T> out;
  for (const auto& m : members) {
    auto part = each(*m);
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}
}  // namespace

NamedTensors MethodUnion::own_tensors() const {
  return concatenated<NamedTensors::value_type>(members_, [](const Method& m) { return m.own_tensors(); });
}

std::vector<RoledTensor> MethodUnion::own_tensor_roles() const {
  return concatenated<RoledTensor>(members_, [](const Method& m) { return m.own_tensor_roles(); });
}

NamedTensors MethodUnion::saved_tensors() const {
  return concatenated<NamedTensors::value_type>(members_, [](const Method& m) { return m.saved_tensors(); });
}

void MethodUnion::load_saved(models::TensorMap& tensors, const std::string& context) {
  for (auto& m : members_) m->load_saved(tensors, context);
}

void MethodUnion::begin_step(int64_t step, int64_t total_steps) {
  for (auto& m : members_) m->begin_step(step, total_steps);
}

void MethodUnion::use_tokenizer(const TextIds& text) {
  for (auto& m : members_) m->use_tokenizer(text);
}

int64_t MethodUnion::prompt_copies() const {
  int64_t copies = 1;
  for (auto& m : members_) copies = std::max(copies, m->prompt_copies());
  return copies;
}

int64_t MethodUnion::positions_taken() const {
  int64_t taken = 0;
  for (auto& m : members_) taken += m->positions_taken();
  return taken;
}

const ClozeSpec* MethodUnion::cloze() const {
  for (auto& m : members_)
    if (m->cloze()) return m->cloze();
  return nullptr;
}

torch::Tensor MethodUnion::extra_loss() {
  torch::Tensor sum;
  for (auto& m : members_) {
    auto extra = m->extra_loss();
    if (extra.defined()) sum = sum.defined() ? sum + extra : extra;
  }
  return sum;
}

void MethodUnion::after_backward(int64_t step) {
  for (auto& m : members_) m->after_backward(step);
}

void MethodUnion::after_step(int64_t step) {
  for (auto& m : members_) m->after_step(step);
}

bool MethodUnion::wants_two_passes() const {
  return std::any_of(members_.begin(), members_.end(), [](const auto& m) { return m->wants_two_passes(); });
}

torch::Tensor MethodUnion::consistency_loss(const torch::Tensor& first, const torch::Tensor& second) {
  torch::Tensor sum;
  for (auto& m : members_)
    if (auto term = m->consistency_loss(first, second); term.defined()) sum = sum.defined() ? sum + term : term;
  return sum;
}

nlohmann::json MethodUnion::config_json() const {
  nlohmann::json out = {{"methods", nlohmann::json::array()}};
  for (const auto& m : members_) {
    out["methods"].push_back(m->method_name());
    out[m->method_name()] = m->config_json();
  }
  return out;
}

bool MethodUnion::mergeable() const {
  for (const auto& m : members_)
    if (!m->mergeable()) return false;
  return true;
}

}  // namespace peft::methods
