#include "models/encoder.h"

#include <limits>

#include "core/dropout.h"

namespace peft::models {

ModelInputs ModelInputs::to(const torch::Device& device) const {
  ModelInputs out;
  out.input_ids = input_ids.to(device);
  if (token_type_ids.defined()) out.token_type_ids = token_type_ids.to(device);
  out.attention_mask = attention_mask.to(device);
  return out;
}

EmbeddingsImpl::EmbeddingsImpl(const ModelConfig& c) : config_(c) {
  word_embeddings = register_module("word_embeddings", nn::SiteEmbedding(c.vocab_size, c.hidden_size));
  position_embeddings =
      register_module("position_embeddings", nn::SiteEmbedding(c.max_position_embeddings, c.hidden_size));
  token_type_embeddings =
      register_module("token_type_embeddings", nn::SiteEmbedding(std::max<int64_t>(c.type_vocab_size, 1), c.hidden_size));
  LayerNorm = register_module("LayerNorm",
                              torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

torch::Tensor EmbeddingsImpl::forward(const ModelInputs& in) {
  const auto& ids = in.input_ids;
  torch::Tensor positions;
  if (config_.family == Family::Roberta) {
    // RoBERTa numbers real tokens from pad_token_id + 1 and gives padding the pad position.
    auto is_token = ids.ne(config_.pad_token_id).to(torch::kLong);
    positions = torch::cumsum(is_token, 1) * is_token + config_.pad_token_id;
  } else {
    positions = torch::arange(ids.size(1), ids.options()).unsqueeze(0);
  }
  auto types = in.token_type_ids.defined() ? in.token_type_ids : torch::zeros_like(ids);
  auto x = word_embeddings(ids) + position_embeddings(positions) + token_type_embeddings(types);
  return peft::dropout(LayerNorm(x), config_.hidden_dropout_prob, is_training());
}

EncoderImpl::EncoderImpl(const ModelConfig& c) {
  layer_list_ = register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers.emplace_back(c);
    layer_list_->push_back(layers.back());
  }
}

torch::Tensor EncoderImpl::forward(torch::Tensor hidden, const torch::Tensor& additive_mask, bool first_token_only) {
  for (size_t i = 0; i < layers.size(); ++i) {
    hidden = layers[i]->forward(hidden, additive_mask, first_token_only && i + 1 == layers.size());
  }
  return hidden;
}

PoolerImpl::PoolerImpl(const ModelConfig& c) { dense = register_module("dense", nn::SiteLinear(c.hidden_size, c.hidden_size)); }

torch::Tensor PoolerImpl::forward(const torch::Tensor& hidden) {
  return torch::tanh(dense(hidden.select(1, 0)));
}

BackboneImpl::BackboneImpl(const ModelConfig& c, bool with_pooler) : config_(c) {
  embeddings = register_module("embeddings", Embeddings(c));
  encoder = register_module("encoder", Encoder(c));
  if (with_pooler) pooler = register_module("pooler", Pooler(c));
}

torch::Tensor BackboneImpl::forward(const ModelInputs& in, bool first_token_only) {
  auto hidden = embedding_output.apply(embeddings(in), {});
  // Padding keys get the most negative finite value (as HF does) so fully padded rows stay finite.
  auto visible = in.attention_mask.to(hidden.dtype()).unsqueeze(1).unsqueeze(2);
  auto additive_mask = (1.0 - visible) * std::numeric_limits<float>::lowest();
  return encoder->forward(hidden, additive_mask, first_token_only);
}

std::vector<LinearSiteRef> BackboneImpl::linear_sites(const std::string& prefix) {
  std::vector<LinearSiteRef> sites;
  for (size_t i = 0; i < encoder->layers.size(); ++i) {
    auto& l = encoder->layers[i];
    const auto p = prefix + ".encoder.layer." + std::to_string(i) + ".";
    sites.push_back({p + "attention.self.query", l->attention->self->query});
    sites.push_back({p + "attention.self.key", l->attention->self->key});
    sites.push_back({p + "attention.self.value", l->attention->self->value});
    sites.push_back({p + "attention.output.dense", l->attention->output->dense});
    sites.push_back({p + "intermediate.dense", l->intermediate->dense});
    sites.push_back({p + "output.dense", l->output->dense});
  }
  if (pooler) sites.push_back({prefix + ".pooler.dense", pooler->dense});
  return sites;
}

std::vector<EmbeddingSiteRef> BackboneImpl::embedding_sites(const std::string& prefix) {
  const auto p = prefix + ".embeddings.";
  return {{p + "word_embeddings", embeddings->word_embeddings},
          {p + "position_embeddings", embeddings->position_embeddings},
          {p + "token_type_embeddings", embeddings->token_type_embeddings}};
}

std::vector<BranchSiteRef> BackboneImpl::branch_sites(const std::string& prefix) {
  std::vector<BranchSiteRef> sites;
  for (size_t i = 0; i < encoder->layers.size(); ++i) {
    auto& l = encoder->layers[i];
    const auto p = prefix + ".encoder.layer." + std::to_string(i) + ".";
    sites.push_back({p + "attention.output", int64_t(i), BranchPoint::AttentionOutput, &l->attention->output->branch});
    sites.push_back({p + "output", int64_t(i), BranchPoint::FeedForwardOutput, &l->output->branch});
  }
  return sites;
}

}  // namespace peft::models
