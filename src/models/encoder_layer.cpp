#include "models/encoder_layer.h"

#include <cmath>

#include "core/compat.h"
#include "core/dropout.h"
#include "core/profile_scope.h"

namespace peft::models {

ProjectAddNormImpl::ProjectAddNormImpl(int64_t in, int64_t hidden, double dropout, double eps) : dropout_(dropout) {
  dense = register_module("dense", nn::SiteLinear(in, hidden));
  LayerNorm = register_module("LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(eps)));
}

torch::Tensor ProjectAddNormImpl::forward(const torch::Tensor& x, const torch::Tensor& residual,
                                          const nn::ForwardContext& ctx) {
  auto out = peft::dropout(dense->forward(x, ctx), dropout_, ctx.training);
  return LayerNorm(branch.apply(out, residual, ctx) + residual);
}

SelfAttentionImpl::SelfAttentionImpl(const ModelConfig& c)
    : heads_(c.num_attention_heads), head_dim_(c.head_dim()), dropout_(c.attention_probs_dropout_prob) {
  query = register_module("query", nn::SiteLinear(c.hidden_size, c.hidden_size));
  key = register_module("key", nn::SiteLinear(c.hidden_size, c.hidden_size));
  value = register_module("value", nn::SiteLinear(c.hidden_size, c.hidden_size));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& queries, const torch::Tensor& hidden,
                                         const torch::Tensor& additive_mask, const nn::ForwardContext& ctx) {
  const auto B = hidden.size(0), Lq = queries.size(1);
  auto split = [&](const torch::Tensor& t) { return t.view({B, -1, heads_, head_dim_}).transpose(1, 2); };
  // Value, key, query: the order the projections always ran in, so results stay the same to the last bit.
  auto values = split(value->forward(hidden, ctx));
  nn::KeyValues kv{split(key->forward(hidden, ctx)), values, additive_mask};
  auto q = split(query->forward(queries, ctx));
  key_values.apply(kv, ctx);
  PEFT_PROFILE_SCOPE(profile::kAttention);
  auto context = compat::attention(q, kv.keys, kv.values, kv.mask, dropout_, ctx.training);
  return context.transpose(1, 2).reshape({B, Lq, heads_ * head_dim_});
}

AttentionImpl::AttentionImpl(const ModelConfig& c) {
  self = register_module("self", SelfAttention(c));
  output = register_module("output",
                           ProjectAddNorm(c.hidden_size, c.hidden_size, c.hidden_dropout_prob, c.layer_norm_eps));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& queries, const torch::Tensor& hidden,
                                     const torch::Tensor& additive_mask, const nn::ForwardContext& ctx) {
  return output(self(queries, hidden, additive_mask, ctx), queries, ctx);
}

IntermediateImpl::IntermediateImpl(const ModelConfig& c) : act_(activation_for(c.hidden_act)) {
  dense = register_module("dense", nn::SiteLinear(c.hidden_size, c.intermediate_size));
}

torch::Tensor IntermediateImpl::forward(const torch::Tensor& hidden, const nn::ForwardContext& ctx) {
  return act_(dense->forward(hidden, ctx));
}

EncoderLayerImpl::EncoderLayerImpl(const ModelConfig& c) {
  attention = register_module("attention", Attention(c));
  intermediate = register_module("intermediate", Intermediate(c));
  output = register_module("output", ProjectAddNorm(c.intermediate_size, c.hidden_size, c.hidden_dropout_prob,
                                                    c.layer_norm_eps));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& additive_mask,
                                        const nn::ForwardContext& ctx, const torch::Tensor& read_positions) {
  // Every step after attention is per position, so the positions read need only their own queries.
  auto queries = hidden;
  if (read_positions.defined())
    queries = hidden.gather(1, read_positions.view({-1, 1, 1}).expand({hidden.size(0), 1, hidden.size(2)}));
  auto attended = attention(queries, hidden, additive_mask, ctx);
  return output(intermediate(attended, ctx), attended, ctx);
}

}  // namespace peft::models
