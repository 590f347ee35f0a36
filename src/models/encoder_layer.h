// One post-LN Transformer encoder layer with HuggingFace BERT's module names (attention.self.query, ...,
// output.LayerNorm); every projection is a linear site, attention has a key/value site, and each sublayer
// ends in a branch site.
#pragma once
#include <torch/torch.h>

#include "models/activation.h"
#include "models/model_config.h"
#include "nn/branch_site.h"
#include "nn/key_value_site.h"
#include "nn/site_linear.h"

namespace peft::models {

// dense -> dropout -> branch site -> LayerNorm(. + residual): HF's BertSelfOutput and BertOutput.
class ProjectAddNormImpl : public torch::nn::Module {
 public:
  ProjectAddNormImpl(int64_t in, int64_t hidden, double dropout, double eps);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& residual, const nn::ForwardContext& ctx);
  nn::SiteLinear dense{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};
  nn::BranchSite branch;

 private:
  double dropout_;
};
TORCH_MODULE(ProjectAddNorm);

class SelfAttentionImpl : public torch::nn::Module {
 public:
  explicit SelfAttentionImpl(const ModelConfig& c);
  // Queries come from `queries` ([B, Lq, H]: all of `hidden` or the rows read), keys and values from
  // `hidden` ([B, L, H]) and the key/value site; additive_mask: [B, 1, 1, L], 0 for visible keys.
  torch::Tensor forward(const torch::Tensor& queries, const torch::Tensor& hidden, const torch::Tensor& additive_mask,
                        const nn::ForwardContext& ctx);
  nn::SiteLinear query{nullptr}, key{nullptr}, value{nullptr};
  nn::KeyValueSite key_values;

 private:
  int64_t heads_, head_dim_;
  double dropout_;
};
TORCH_MODULE(SelfAttention);

class AttentionImpl : public torch::nn::Module {
 public:
  explicit AttentionImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& queries, const torch::Tensor& hidden, const torch::Tensor& additive_mask,
                        const nn::ForwardContext& ctx);
  SelfAttention self{nullptr};
  ProjectAddNorm output{nullptr};
};
TORCH_MODULE(Attention);

class IntermediateImpl : public torch::nn::Module {
 public:
  explicit IntermediateImpl(const ModelConfig& c);
  torch::Tensor forward(const torch::Tensor& hidden, const nn::ForwardContext& ctx);
  nn::SiteLinear dense{nullptr};

 private:
  Activation act_;
};
TORCH_MODULE(Intermediate);

class EncoderLayerImpl : public torch::nn::Module {
 public:
  explicit EncoderLayerImpl(const ModelConfig& c);
  // read_positions ([B] int64, or undefined): the output is [B, 1, H], those positions' states alone
  // (exactly what they are in the full [B, L, H] output), for a last layer under a head that reads them.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& additive_mask, const nn::ForwardContext& ctx,
                        const torch::Tensor& read_positions = {});
  Attention attention{nullptr};
  Intermediate intermediate{nullptr};
  ProjectAddNorm output{nullptr};
};
TORCH_MODULE(EncoderLayer);

}  // namespace peft::models
