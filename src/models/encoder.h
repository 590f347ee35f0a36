// The BERT / RoBERTa encoder backbone (embeddings, layers, optional pooler) under HF module names, and the
// list of its sites where PEFT methods attach.
#pragma once
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/encoder_layer.h"
#include "models/model_config.h"
#include "nn/site_embedding.h"

namespace peft::models {

struct ModelInputs {
  torch::Tensor input_ids;       // [B, L] int64
  torch::Tensor token_type_ids;  // [B, L] int64, or undefined (all zero)
  torch::Tensor attention_mask;  // [B, L] 1 = token, 0 = padding
  ModelInputs to(const torch::Device& device) const;
};

class EmbeddingsImpl : public torch::nn::Module {
 public:
  explicit EmbeddingsImpl(const ModelConfig& c);
  torch::Tensor forward(const ModelInputs& inputs);
  nn::SiteEmbedding word_embeddings{nullptr}, position_embeddings{nullptr}, token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};

 private:
  ModelConfig config_;
};
TORCH_MODULE(Embeddings);

class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const ModelConfig& c);
  // first_token_only: the last layer computes the first position alone ([B, 1, H] out).
  torch::Tensor forward(torch::Tensor hidden, const torch::Tensor& additive_mask, bool first_token_only = false);
  std::vector<EncoderLayer> layers;

 private:
  torch::nn::ModuleList layer_list_;
};
TORCH_MODULE(Encoder);

class PoolerImpl : public torch::nn::Module {
 public:
  explicit PoolerImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& hidden);  // tanh(dense(first token))
  nn::SiteLinear dense{nullptr};
};
TORCH_MODULE(Pooler);

enum class BranchPoint { EmbeddingOutput, AttentionOutput, FeedForwardOutput };

struct LinearSiteRef {
  std::string path;  // HF module path under the task model, e.g. bert.encoder.layer.0.attention.self.query
  nn::SiteLinear linear;
};
struct EmbeddingSiteRef {
  std::string path;  // e.g. bert.embeddings.word_embeddings
  nn::SiteEmbedding embedding;
};
struct BranchSiteRef {
  std::string path;  // e.g. bert.encoder.layer.0.attention.output
  int64_t layer;  // -1 for the embedding output
  BranchPoint point;
  nn::BranchSite* site;
};

class BackboneImpl : public torch::nn::Module {
 public:
  BackboneImpl(const ModelConfig& c, bool with_pooler);
  // The last hidden state [B, L, H]; with first_token_only its first position alone, [B, 1, H], at a
  // fraction of the last layer's cost (for heads that read nothing else).
  torch::Tensor forward(const ModelInputs& inputs, bool first_token_only = false);
  torch::Tensor embed(const ModelInputs& inputs) { return embeddings(inputs); }
  std::vector<LinearSiteRef> linear_sites(const std::string& prefix);
  std::vector<BranchSiteRef> branch_sites(const std::string& prefix);
  std::vector<EmbeddingSiteRef> embedding_sites(const std::string& prefix);
  // Where a method transforms the embedding output before the first layer (MAD-X's invertible adapter).
  static std::string embedding_output_path(const std::string& prefix) { return prefix + ".invertible_adapters"; }
  nn::BranchSite embedding_output;

  const ModelConfig& config() const { return config_; }
  Embeddings embeddings{nullptr};
  Encoder encoder{nullptr};
  Pooler pooler{nullptr};  // null when the task head does not use it (as HF's add_pooling_layer=False)

 private:
  ModelConfig config_;
};
TORCH_MODULE(Backbone);

}  // namespace peft::models
