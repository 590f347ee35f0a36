// The BERT / RoBERTa encoder backbone (embeddings, layers, optional pooler) under HF module names, and the
// catalogue of its sites where PEFT methods attach.
#pragma once
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/backbone.h"
#include "models/encoder_layer.h"
#include "models/model_config.h"
#include "nn/input_sequence.h"
#include "nn/site_embedding.h"

namespace peft::models {

class EmbeddingsImpl : public torch::nn::Module {
 public:
  explicit EmbeddingsImpl(const ModelConfig& c);
  // The word embeddings with the mask, token types and positions of the ids: what the input-sequence site edits.
  nn::InputSequence lookup(const ModelInputs& inputs, const nn::ForwardContext& ctx);
  // + position and token-type embeddings, LayerNorm, dropout.
  torch::Tensor finish(nn::InputSequence& sequence, const nn::ForwardContext& ctx);
  // HF's position ids: of the ids (RoBERTa: from pad_token_id + 1, padding at the pad position), after the
  // past (prefixes); after an insert, as HF numbers inputs_embeds (0.. for BERT, pad_token_id + 1.. for RoBERTa).
  torch::Tensor positions(const nn::InputSequence& sequence) const;
  nn::SiteEmbedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  nn::InputSequenceSite input_sequence;

 private:
  ModelConfig config_;
};
TORCH_MODULE(Embeddings);

class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const ModelConfig& c);
  // With read_positions ([B]) the last layer computes those slots alone ([B, 1, H] out).
  torch::Tensor forward(torch::Tensor hidden, const torch::Tensor& additive_mask, const nn::ForwardContext& ctx,
                        const torch::Tensor& read_positions);
  std::vector<EncoderLayer> layers;

 private:
  torch::nn::ModuleList layer_list_;
};
TORCH_MODULE(Encoder);

class PoolerImpl : public torch::nn::Module {
 public:
  explicit PoolerImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& hidden, const nn::ForwardContext& ctx);  // tanh(dense(first token))
  nn::SiteLinear dense{nullptr};
};
TORCH_MODULE(Pooler);

class EncoderBackbone : public Backbone {
 public:
  EncoderBackbone(const ModelConfig& c, bool with_pooler);
  using Backbone::embed;
  using Backbone::forward;
  torch::Tensor forward(const ModelInputs& inputs, const nn::ForwardContext& ctx) override;
  torch::Tensor embed(const ModelInputs& inputs, const nn::ForwardContext& ctx) override;
  SiteCatalogue sites(const std::string& prefix) override;
  bool has_pooler() const override { return !pooler.is_empty(); }
  torch::Tensor pool(const torch::Tensor& hidden, const nn::ForwardContext& ctx) override;
  torch::Tensor output_embeddings() override { return embeddings->word_embeddings->weight; }
  const ModelConfig& config() const override { return config_; }

  Embeddings embeddings{nullptr};
  Encoder encoder{nullptr};
  Pooler pooler{nullptr};  // null when the task head does not use it (as HF's add_pooling_layer=False)
  nn::BranchSite embedding_output;  // MAD-X's invertible adapter transforms the embeddings here

 private:
  nn::InputSequence sequence(const ModelInputs& inputs, const nn::ForwardContext& ctx);  // lookup + its site
  ModelConfig config_;
};

}  // namespace peft::models
