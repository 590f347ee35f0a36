#include "models/encoder.h"

#include <limits>

#include "core/dropout.h"
#include "core/error.h"

namespace peft::models {

EmbeddingsImpl::EmbeddingsImpl(const ModelConfig& c) : config_(c) {
  word_embeddings = register_module("word_embeddings", nn::SiteEmbedding(c.vocab_size, c.hidden_size));
  position_embeddings =
      register_module("position_embeddings", nn::SiteEmbedding(c.max_position_embeddings, c.hidden_size));
  token_type_embeddings = register_module(
      "token_type_embeddings", nn::SiteEmbedding(std::max<int64_t>(c.type_vocab_size, 1), c.hidden_size));
  LayerNorm = register_module("LayerNorm",
                              torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.hidden_size}).eps(c.layer_norm_eps)));
}

nn::InputSequence EmbeddingsImpl::lookup(const ModelInputs& in, const nn::ForwardContext& ctx) {
  const auto& ids = in.input_ids;
  nn::InputSequence s;
  s.embeds = word_embeddings->forward(ids, ctx);
  s.attention_mask = in.attention_mask;
  s.token_type_ids = in.token_type_ids.defined() ? in.token_type_ids : torch::zeros_like(ids);
  if (config_.family == Family::Roberta) {
    // RoBERTa numbers real tokens from pad_token_id + 1 and gives padding the pad position.
    auto is_token = ids.ne(config_.pad_token_id).to(torch::kLong);
    s.position_ids = torch::cumsum(is_token, 1) * is_token + config_.pad_token_id;
  } else {
    s.position_ids = torch::arange(ids.size(1), ids.options()).unsqueeze(0);
  }
  return s;
}

torch::Tensor EmbeddingsImpl::finish(nn::InputSequence& s, const nn::ForwardContext& ctx) {
  if (s.inserted) {
    const int64_t first = config_.family == Family::Roberta ? config_.pad_token_id + 1 : 0;
    const int64_t length = s.embeds.size(1);
    require(first + length <= config_.max_position_embeddings,
            "the input with its inserted vectors has " + std::to_string(length) + " positions; the model has " +
                std::to_string(config_.max_tokens()));
    s.position_ids = torch::arange(first, first + length, s.token_type_ids.options()).unsqueeze(0);
  }
  auto x = s.embeds + position_embeddings->forward(s.position_ids, ctx) +
           token_type_embeddings->forward(s.token_type_ids, ctx);
  return peft::dropout(LayerNorm(x), config_.hidden_dropout_prob, ctx.training);
}

EncoderImpl::EncoderImpl(const ModelConfig& c) {
  layer_list_ = register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    layers.emplace_back(c);
    layer_list_->push_back(layers.back());
  }
}

torch::Tensor EncoderImpl::forward(torch::Tensor hidden, const torch::Tensor& additive_mask,
                                   const nn::ForwardContext& ctx) {
  for (size_t i = 0; i < layers.size(); ++i)
    hidden = layers[i]->forward(hidden, additive_mask, ctx,
                                i + 1 == layers.size() ? ctx.read_positions : torch::Tensor());
  return hidden;
}

PoolerImpl::PoolerImpl(const ModelConfig& c) {
  dense = register_module("dense", nn::SiteLinear(c.hidden_size, c.hidden_size));
}

torch::Tensor PoolerImpl::forward(const torch::Tensor& hidden, const nn::ForwardContext& ctx) {
  return torch::tanh(dense->forward(hidden.select(1, 0), ctx));
}

EncoderBackbone::EncoderBackbone(const ModelConfig& c, bool with_pooler) : config_(c) {
  embeddings = register_module("embeddings", Embeddings(c));
  encoder = register_module("encoder", Encoder(c));
  if (with_pooler) pooler = register_module("pooler", Pooler(c));
}

torch::Tensor EncoderBackbone::embed_with_mask(const ModelInputs& in, const nn::ForwardContext& ctx,
                                               torch::Tensor& mask) {
  auto sequence = embeddings->lookup(in, ctx);
  embeddings->input_sequence.apply(sequence, ctx);
  mask = sequence.attention_mask;
  return embeddings->finish(sequence, ctx);
}

torch::Tensor EncoderBackbone::embed(const ModelInputs& in, const nn::ForwardContext& ctx) {
  torch::Tensor mask;
  return embed_with_mask(in, ctx, mask);
}

torch::Tensor EncoderBackbone::forward(const ModelInputs& in, const nn::ForwardContext& ctx) {
  torch::Tensor mask;
  auto hidden = embedding_output.apply(embed_with_mask(in, ctx, mask), {}, ctx);
  // Padding keys get the most negative finite value (as HF does) so fully padded rows stay finite.
  auto visible = mask.to(hidden.dtype()).unsqueeze(1).unsqueeze(2);
  auto additive_mask = (1.0 - visible) * std::numeric_limits<float>::lowest();
  return encoder->forward(hidden, additive_mask, ctx);
}

torch::Tensor EncoderBackbone::pool(const torch::Tensor& hidden, const nn::ForwardContext& ctx) {
  require(has_pooler(), "this backbone was built without a pooler");
  return pooler->forward(hidden, ctx);
}

SiteCatalogue EncoderBackbone::sites(const std::string& prefix) {
  SiteCatalogue c;
  const auto e = prefix + ".embeddings.";
  c.embedding = {{e + "word_embeddings", embeddings->word_embeddings, SiteRole::WordEmbeddings},
                 {e + "position_embeddings", embeddings->position_embeddings, SiteRole::PositionEmbeddings},
                 {e + "token_type_embeddings", embeddings->token_type_embeddings, SiteRole::TokenTypeEmbeddings}};
  c.input_sequence = {prefix + ".embeddings", &embeddings->input_sequence};
  // AdapterHub keeps the invertible adapter at the model root: <prefix>.invertible_adapters.
  c.branch.push_back({prefix + ".invertible_adapters", -1, SiteRole::EmbeddingOutput, &embedding_output});
  for (size_t i = 0; i < encoder->layers.size(); ++i) {
    auto& l = encoder->layers[i];
    const auto p = prefix + ".encoder.layer." + std::to_string(i) + ".";
    const auto layer = int64_t(i);
    c.linear.push_back({p + "attention.self.query", l->attention->self->query, SiteRole::Query, layer});
    c.linear.push_back({p + "attention.self.key", l->attention->self->key, SiteRole::Key, layer});
    c.linear.push_back({p + "attention.self.value", l->attention->self->value, SiteRole::Value, layer});
    c.linear.push_back({p + "attention.output.dense", l->attention->output->dense, SiteRole::AttentionOutput, layer});
    c.linear.push_back({p + "intermediate.dense", l->intermediate->dense, SiteRole::Up, layer});
    c.linear.push_back({p + "output.dense", l->output->dense, SiteRole::Down, layer});
    c.branch.push_back({p + "attention.output", layer, SiteRole::AttentionBranch, &l->attention->output->branch});
    c.branch.push_back({p + "output", layer, SiteRole::FeedForwardBranch, &l->output->branch});
    c.key_value.push_back({p + "attention.self", layer, &l->attention->self->key_values});
  }
  if (pooler) c.linear.push_back({prefix + ".pooler.dense", pooler->dense, SiteRole::Pooler, -1});
  for (auto& item : named_parameters()) {
    const auto name = prefix + "." + item.key();
    c.tensors.push_back({name, item.value(), base_tensor_role(name)});
  }
  return c;
}

}  // namespace peft::models
