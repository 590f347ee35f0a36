// The contract every backbone keeps, so heads, methods and the trainer never name a concrete one:
//   embedding lookup -> input-sequence site (vectors inserted, mask / types / positions in step)
//   -> layers, each with a key/value site in attention -> last hidden state,
// plus a catalogue of its sites by role, and what heads read (the pooled summary, the tied embeddings).
#pragma once
#include <memory>
#include <string>

#include <torch/torch.h>

#include "models/model_config.h"
#include "models/site_catalogue.h"
#include "nn/forward_context.h"

namespace peft::models {

struct ModelInputs {
  torch::Tensor input_ids;       // [B, L] int64
  torch::Tensor token_type_ids;  // [B, L] int64, or undefined (all zero)
  torch::Tensor attention_mask;  // [B, L] 1 = token, 0 = padding
  ModelInputs to(const torch::Device& device) const;
};

class Backbone : public torch::nn::Module {
 public:
  // The last hidden state of the input's tokens [B, L, H] (inserted vectors dropped, so token heads line
  // up with their labels); with ctx.read_positions or ctx.read_tokens just that slot, [B, 1, H], at a
  // fraction of the last layer's cost.
  virtual torch::Tensor forward(const ModelInputs& inputs, const nn::ForwardContext& ctx) = 0;
  // What the first layer sees: embeddings after the input-sequence site, normed.
  virtual torch::Tensor embed(const ModelInputs& inputs, const nn::ForwardContext& ctx) = 0;
  virtual SiteCatalogue sites(const std::string& prefix) = 0;
  // What heads read: the pooled summary of [B, L, H] (BERT's pooler) and the output embedding matrix a
  // tied LM decoder multiplies with.
  virtual bool has_pooler() const = 0;
  virtual torch::Tensor pool(const torch::Tensor& hidden, const nn::ForwardContext& ctx) = 0;
  virtual torch::Tensor output_embeddings() = 0;
  virtual const ModelConfig& config() const = 0;

  // The same with this module's mode and every attached adapter (first_token_only: read position 0).
  torch::Tensor forward(const ModelInputs& inputs, bool first_token_only = false);
  torch::Tensor embed(const ModelInputs& inputs) { return embed(inputs, own_context()); }
  nn::ForwardContext own_context() const;
};

// The backbone of this config's family; with_pooler as HF's add_pooling_layer.
std::shared_ptr<Backbone> make_backbone(const ModelConfig& config, bool with_pooler);

}  // namespace peft::models
