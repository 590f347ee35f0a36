#include "models/backbone.h"

#include "models/encoder.h"

namespace peft::models {

ModelInputs ModelInputs::to(const torch::Device& device) const {
  ModelInputs out;
  out.input_ids = input_ids.to(device);
  if (token_type_ids.defined()) out.token_type_ids = token_type_ids.to(device);
  out.attention_mask = attention_mask.to(device);
  return out;
}

nn::ForwardContext Backbone::own_context() const {
  nn::ForwardContext ctx;
  ctx.training = is_training();
  return ctx;
}

torch::Tensor Backbone::forward(const ModelInputs& inputs, bool first_token_only) {
  auto ctx = own_context();
  if (first_token_only) ctx.read_positions = torch::zeros({inputs.input_ids.size(0)}, inputs.input_ids.options());
  return forward(inputs, ctx);
}

std::shared_ptr<Backbone> make_backbone(const ModelConfig& config, bool with_pooler) {
  return std::make_shared<EncoderBackbone>(config, with_pooler);
}

}  // namespace peft::models
