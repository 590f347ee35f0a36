#include "methods/p_tuning.h"

namespace peft::methods {

PTuning::PTuning(const nlohmann::json& json) {
  MethodConfig c(json, "p_tuning");
  prompt_ = PromptLearningConfig::read(c, "p_tuning", 20);
  encoder_.type = c.choice("encoder_reparameterization_type", "MLP", {"MLP", "LSTM"});
  encoder_.hidden = c.get<int64_t>("encoder_hidden_size", 0);
  encoder_.lstm_layers = c.get<int64_t>("encoder_num_layers", 2);
  encoder_.lstm_dropout = c.get<double>("encoder_dropout", 0.0);
  anchors_ = parse_anchors(c.get<std::string>("template", "start"), "p_tuning");
  c.finish();
  require(encoder_.hidden >= 0, "p_tuning: encoder_hidden_size must be positive");
  require(encoder_.lstm_layers > 0, "p_tuning: encoder_num_layers must be positive");
  require(encoder_.lstm_dropout >= 0 && encoder_.lstm_dropout < 1, "p_tuning: encoder_dropout must be in [0, 1)");
}

void PTuning::attach(models::TaskModelImpl& model, const std::string& adapter) {
  prompt_.take_shape(model.config(), "p_tuning");
  encoder_.tokens = prompt_.num_virtual_tokens;
  encoder_.input_dim = encoder_.output_dim = prompt_.token_dim;
  if (encoder_.hidden == 0) encoder_.hidden = prompt_.token_dim;  // HF has no default; the model's width
  table_.init_encoded(*this, encoder_);
  auto table = [this](const nn::ForwardContext& ctx) { return table_(ctx.training).unsqueeze(0); };
  model.sites().input_sequence.site->attach(adapter, std::make_shared<PromptInsertion>(adapter, table, anchors_));
}

nlohmann::json PTuning::config_json() const {
  auto j = prompt_.to_json();
  j["encoder_reparameterization_type"] = encoder_.type;
  j["encoder_hidden_size"] = encoder_.hidden;
  j["encoder_num_layers"] = encoder_.lstm_layers;
  j["encoder_dropout"] = encoder_.lstm_dropout;
  j["template"] = anchors_text(anchors_);
  return j;
}

}  // namespace peft::methods
