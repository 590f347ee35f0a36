#include "methods/peft_model.h"

#include <algorithm>

#include "core/error.h"

namespace peft::methods {

PeftModel::PeftModel(models::TaskModel m, std::string fp) : model(std::move(m)), fingerprint_(std::move(fp)) {}

PeftModel::PeftModel(models::TaskModel m, std::shared_ptr<Method> meth, const std::string& name)
    : PeftModel(m, fingerprint(*m)) {
  add_adapter(name, std::move(meth));
}

const PeftModel::Adapter& PeftModel::adapter(const std::string& name) const {
  for (const auto& a : adapters_)
    if (a.name == name) return a;
  throw Error("no adapter named '" + name + "' (adapters: " + [&] {
    std::string list;
    for (const auto& a : adapters_) list += (list.empty() ? "" : ", ") + a.name;
    return list.empty() ? std::string("none") : list;
  }() + ")");
}

bool PeftModel::trains(const Adapter& a, const std::string& name) const {
  if (a.method->trains_base_tensor(name)) return true;
  if (!model->is_head_parameter(name)) return false;
  // The base's own head trains with the adapter that uses it; fresh backbone tensors with every adapter.
  const auto root = std::string(model->head->module_name()) + ".";
  return !a.head || name.rfind(root, 0) != 0;
}

void PeftModel::add_adapter(const std::string& name, std::shared_ptr<Method> meth,
                            std::shared_ptr<models::TaskHead> head) {
  require(!name.empty(), "an adapter needs a name");
  require(std::none_of(adapters_.begin(), adapters_.end(), [&](const Adapter& a) { return a.name == name; }),
          "the model already holds an adapter named '" + name + "'");
  const bool first = adapters_.empty();
  require(!first || model->adapter_names().empty(),
          "adapter '" + name + "': the base already holds adapters of another PeftModel (add them to one)");
  const std::string head_root = std::string(model->head->module_name()) + ".";
  if (first) {
    for (auto& item : model->head->named_parameters())
      original_head_.emplace(item.key(), item.value().detach().clone());
  } else {
    if (!head) head = model->head_with(original_head_);
    // Base tensors are shared: an adapter that trains one changes every other adapter's function.
    for (auto& item : model->named_parameters()) {
      const auto& tensor = item.key();
      require(!model->is_head_parameter(tensor) || tensor.rfind(head_root, 0) == 0,
              "adapter '" + name + "': the base's fresh tensor '" + tensor +
                  "' trains with every adapter, so this base holds one adapter only");
      require(!meth->trains_base_tensor(tensor), "adapter '" + name + "' would train base tensor '" + tensor +
                                                     "', which every adapter on this base shares");
      for (const auto& other : adapters_)
        require(!other.method->trains_base_tensor(tensor), "adapter '" + name + "': adapter '" + other.name +
                                                               "' trains base tensor '" + tensor +
                                                               "', so it holds the base alone");
    }
  }
  Adapter added{name, meth, head};
  meth->attach(*model, name);
  model->add_adapter_name(name);
  // The first adapter decides what trains; a later one adds its own base tensors.
  for (auto& item : model->named_parameters())
    if (first || trains(added, item.key())) item.value().set_requires_grad(trains(added, item.key()));
  const auto device = model->parameters().front().device();
  meth->to(device);
  if (head) {
    head->to(device);
    model->set_adapter_head(name, head);
  }
  adapters_.push_back(std::move(added));
  if (first) set_adapter(name);
}

void PeftModel::delete_adapter(const std::string& name) {
  adapter(name);  // throws naming the known ones
  require(name != active_, "adapter '" + name + "' is active; set another one active before deleting it");
  auto catalogue = model->sites();
  for (auto& s : catalogue.linear) s.linear->detach(name);
  for (auto& s : catalogue.embedding) s.embedding->detach(name);
  for (auto& s : catalogue.branch) s.site->detach(name);
  for (auto& s : catalogue.key_value) s.site->detach(name);
  catalogue.input_sequence.site->detach(name);
  model->remove_adapter_head(name);
  model->remove_adapter_name(name);
  adapters_.erase(std::remove_if(adapters_.begin(), adapters_.end(), [&](const Adapter& a) { return a.name == name; }),
                  adapters_.end());
}

std::vector<std::string> PeftModel::adapter_names() const {
  std::vector<std::string> names;
  for (const auto& a : adapters_) names.push_back(a.name);
  return names;
}

void PeftModel::set_adapter(const std::string& name) {
  method = adapter(name).method;
  active_ = name;
  model->set_default_adapters(nn::AdapterSelection::only({name}));
  model->set_row_copies(method->prompt_copies());
}

std::shared_ptr<Method> PeftModel::method_of(const std::string& name) const { return adapter(name).method; }

nn::ForwardContext PeftModel::context_for(const std::string& name) const {
  adapter(name);
  auto ctx = model->default_context();
  ctx.adapters = nn::AdapterSelection::only({name});
  return ctx;
}

nn::ForwardContext PeftModel::context_per_row(const std::vector<std::string>& row_adapters) const {
  std::vector<std::string> names;
  std::vector<int64_t> rows;
  for (const auto& name : row_adapters) {
    if (name.empty()) {
      rows.push_back(-1);
      continue;
    }
    adapter(name);
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) it = names.insert(names.end(), name);
    rows.push_back(int64_t(it - names.begin()));
  }
  auto ctx = model->default_context();
  const auto device = model->parameters().front().device();
  ctx.adapters = nn::AdapterSelection::per_row(names, torch::tensor(rows, torch::kLong).to(device));
  return ctx;
}

NamedTensors PeftModel::trainable_tensors() const {
  NamedTensors out;
  for (const auto& t : optimizer_tensors()) out.emplace_back(t.name, t.tensor);
  return out;
}

std::vector<RoledTensor> PeftModel::optimizer_tensors() const {
  const auto& a = adapter(active_);
  auto out = a.method->own_tensor_roles();
  for (auto& item : model->named_parameters())
    if (trains(a, item.key())) out.push_back({item.key(), item.value(), models::base_tensor_role(item.key())});
  if (a.head)
    for (auto& item : a.head->named_parameters()) {
      const auto name = std::string(a.head->module_name()) + "." + item.key();
      out.push_back({name, item.value(), models::base_tensor_role(name)});
    }
  return out;
}

ParameterCounts PeftModel::count_parameters() const {
  ParameterCounts c;
  for (auto& p : model->parameters()) c.base += p.numel();
  for (auto& [_, t] : method->own_tensors()) c.added += t.numel();
  for (auto& [_, t] : trainable_tensors()) c.trainable += t.numel();
  return c;
}

torch::Tensor PeftModel::training_loss(const torch::Tensor& logits, const torch::Tensor& labels) const {
  auto loss = model->loss(logits, labels);
  const auto extra = method->extra_loss();
  return extra.defined() ? loss + extra : loss;
}

torch::Tensor PeftModel::step_loss(const std::function<torch::Tensor()>& forward, const torch::Tensor& labels) const {
  const auto first = forward();
  auto loss = training_loss(first, labels);
  if (!method->wants_two_passes()) return loss;
  const auto second = forward();
  loss = (loss + training_loss(second, labels)) / 2;
  const auto consistency = method->consistency_loss(first, second);
  return consistency.defined() ? loss + consistency : loss;
}

}  // namespace peft::methods
