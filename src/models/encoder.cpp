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
  return nn::InputSequence::of(word_embeddings->forward(in.input_ids, ctx), in.input_ids, in.attention_mask,
                               in.token_type_ids);
}

torch::Tensor EmbeddingsImpl::positions(const nn::InputSequence& s) const {
  const auto& ids = s.token_ids;
  const bool roberta = config_.family == Family::Roberta;
  const auto past = s.past_length.defined() ? s.past_length.view({-1, 1}) : torch::zeros({1, 1}, ids.options());
  torch::Tensor p;
  if (s.inserted) {
    // HF numbers inputs_embeds by slot, 0.. for BERT (after the past) and pad_token_id + 1.. for RoBERTa;
    // a row's unused slots (at its end) take the first position, never one past the table.
    const int64_t first = roberta ? config_.pad_token_id + 1 : 0;
    p = torch::arange(first, first + ids.size(1), ids.options()).unsqueeze(0);
    if (!roberta) p = p + past;
    p = p.masked_fill(s.source.eq(nn::InputSequence::kUnused), roberta ? config_.pad_token_id : 0);
  } else if (roberta) {
    // RoBERTa numbers real tokens from pad_token_id + 1 (after the past) and gives padding the pad position.
    auto is_token = ids.ne(config_.pad_token_id).to(torch::kLong);
    p = (torch::cumsum(is_token, 1) + past) * is_token + config_.pad_token_id;
  } else {
    p = torch::arange(ids.size(1), ids.options()).unsqueeze(0) + past;
  }
  const auto last = p.max().item<int64_t>();
  require(last < config_.max_position_embeddings,
          "the input with its inserted vectors and prefixes needs position " + std::to_string(last) +
              "; the model has " + std::to_string(config_.max_position_embeddings) + " positions");
  return p;
}

torch::Tensor EmbeddingsImpl::finish(nn::InputSequence& s, const nn::ForwardContext& ctx) {
  auto x = s.embeds + position_embeddings->forward(positions(s), ctx) +
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
                                   const nn::ForwardContext& ctx, const torch::Tensor& read_positions) {
  for (size_t i = 0; i < layers.size(); ++i)
    hidden = layers[i]->forward(hidden, additive_mask, ctx, i + 1 == layers.size() ? read_positions : torch::Tensor());
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

nn::InputSequence EncoderBackbone::sequence(const ModelInputs& in, const nn::ForwardContext& ctx) {
  auto s = embeddings->lookup(in, ctx);
  embeddings->input_sequence.apply(s, ctx);
  return s;
}

torch::Tensor EncoderBackbone::embed(const ModelInputs& in, const nn::ForwardContext& ctx) {
  auto s = sequence(in, ctx);
  return embeddings->finish(s, ctx);
}

torch::Tensor EncoderBackbone::forward(const ModelInputs& in, const nn::ForwardContext& ctx) {
  auto s = sequence(in, ctx);
  auto hidden = embedding_output.apply(embeddings->finish(s, ctx), {}, ctx);
  // Padding keys get the most negative finite value (as HF does) so fully padded rows stay finite.
  auto visible = s.attention_mask.to(hidden.dtype()).unsqueeze(1).unsqueeze(2);
  auto additive_mask = (1.0 - visible) * std::numeric_limits<float>::lowest();
  const auto tokens = s.inserted ? s.token_index() : torch::Tensor();
  auto read = ctx.read_positions;
  if (ctx.read_tokens.defined()) read = tokens.defined() ? tokens.gather(1, ctx.read_tokens.view({-1, 1})).view(-1)
                                                         : ctx.read_tokens;
  hidden = encoder->forward(hidden, additive_mask, ctx, read);
  if (read.defined() || !tokens.defined()) return hidden;
  return hidden.gather(1, tokens.unsqueeze(-1).expand({tokens.size(0), tokens.size(1), hidden.size(2)}));
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
