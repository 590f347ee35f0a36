#include "models/encoder_layer.h"

#include <cmath>

#include "core/compat.h"
#include "core/dropout.h"
#include "core/error.h"

namespace peft::models {

torch::Tensor activation(const std::string& name, const torch::Tensor& x) {
  if (name == "gelu") return torch::gelu(x);
  if (name == "gelu_new" || name == "gelu_pytorch_tanh") return torch::gelu(x, "tanh");
  if (name == "relu") return torch::relu(x);
  if (name == "silu" || name == "swish") return torch::silu(x);
  if (name == "tanh") return torch::tanh(x);
  throw Error("unsupported activation '" + name + "'");
}

ProjectAddNormImpl::ProjectAddNormImpl(int64_t in, int64_t hidden, double dropout, double eps) : dropout_(dropout) {
  dense = register_module("dense", nn::SiteLinear(in, hidden));
  LayerNorm = register_module("LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({hidden}).eps(eps)));
}

torch::Tensor ProjectAddNormImpl::forward(const torch::Tensor& x, const torch::Tensor& residual) {
  auto out = peft::dropout(dense(x), dropout_, is_training());
  return LayerNorm(branch.apply(out, residual) + residual);
}

SelfAttentionImpl::SelfAttentionImpl(const ModelConfig& c)
    : heads_(c.num_attention_heads), head_dim_(c.head_dim()), dropout_(c.attention_probs_dropout_prob) {
  query = register_module("query", nn::SiteLinear(c.hidden_size, c.hidden_size));
  key = register_module("key", nn::SiteLinear(c.hidden_size, c.hidden_size));
  value = register_module("value", nn::SiteLinear(c.hidden_size, c.hidden_size));
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& queries, const torch::Tensor& hidden,
                                         const torch::Tensor& additive_mask) {
  const auto B = hidden.size(0), Lq = queries.size(1);
  auto split = [&](const torch::Tensor& t) { return t.view({B, -1, heads_, head_dim_}).transpose(1, 2); };
  auto context = compat::attention(split(query(queries)), split(key(hidden)), split(value(hidden)), additive_mask,
                                   dropout_, is_training());
  return context.transpose(1, 2).reshape({B, Lq, heads_ * head_dim_});
}

AttentionImpl::AttentionImpl(const ModelConfig& c) {
  self = register_module("self", SelfAttention(c));
  output = register_module("output",
                           ProjectAddNorm(c.hidden_size, c.hidden_size, c.hidden_dropout_prob, c.layer_norm_eps));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& queries, const torch::Tensor& hidden,
                                     const torch::Tensor& additive_mask) {
  return output(self(queries, hidden, additive_mask), queries);
}

IntermediateImpl::IntermediateImpl(const ModelConfig& c) : act_(c.hidden_act) {
  dense = register_module("dense", nn::SiteLinear(c.hidden_size, c.intermediate_size));
}

torch::Tensor IntermediateImpl::forward(const torch::Tensor& hidden) { return activation(act_, dense(hidden)); }

EncoderLayerImpl::EncoderLayerImpl(const ModelConfig& c) {
  attention = register_module("attention", Attention(c));
  intermediate = register_module("intermediate", Intermediate(c));
  output = register_module("output", ProjectAddNorm(c.intermediate_size, c.hidden_size, c.hidden_dropout_prob,
                                                    c.layer_norm_eps));
}

torch::Tensor EncoderLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& additive_mask,
                                        bool first_token_only) {
  // Every step after attention is per position, so the first position needs only its own query.
  auto attended = attention(first_token_only ? hidden.narrow(1, 0, 1) : hidden, hidden, additive_mask);
  return output(intermediate(attended), attended);
}

}  // namespace peft::models
