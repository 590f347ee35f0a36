#include "methods/prefix_tuning.h"

namespace peft::methods {

PrefixTuning::PrefixTuning(const nlohmann::json& json, bool v2) : v2_(v2) {
  const std::string name = method_name();
  MethodConfig c(json, name);
  prompt_ = PromptLearningConfig::read(c, name, 20);
  projection_ = c.get<bool>("prefix_projection", false);
  encoder_hidden_ = c.get<int64_t>("encoder_hidden_size", 0);
  c.raw("init_weights");  // HF's hook for custom initialisation: null in files it writes
  c.finish();
  require(!(v2 && projection_), name + ": P-tuning v2 has no reparameterisation (use prefix_tuning with "
                                       "prefix_projection=true)");
  require(encoder_hidden_ >= 0, name + ": encoder_hidden_size must be positive");
}

void PrefixTuning::attach(models::TaskModelImpl& model, const std::string& adapter) {
  const auto& m = model.config();
  prompt_.take_shape(m, method_name());
  const auto width = m.num_hidden_layers * 2 * m.hidden_size;
  if (projection_) {
    if (encoder_hidden_ == 0) encoder_hidden_ = m.hidden_size;
    table_.init_encoded(*this, {prompt_.num_virtual_tokens, m.hidden_size, encoder_hidden_, width, "PREFIX"});
  } else {
    table_.init_plain(*this, torch::randn({prompt_.num_virtual_tokens, width}));  // HF's nn.Embedding: N(0, 1)
  }
  auto table = [this](const nn::ForwardContext& ctx) { return table_(ctx.training); };
  std::make_shared<PrefixRows>(adapter, table, m.num_hidden_layers, m.num_attention_heads, m.head_dim())
      ->attach_to(model);
}

nlohmann::json PrefixTuning::config_json() const {
  auto j = prompt_.to_json();
  j["prefix_projection"] = projection_;
  j["encoder_hidden_size"] = encoder_hidden_ == 0 ? prompt_.token_dim : encoder_hidden_;
  return j;
}

}  // namespace peft::methods
