// The sites a backbone offers methods, each tagged by its role, so a method asks for "the value
// projections" or "every layer's key/value site" and works on any backbone that offers the roles; and the
// base tensors by role (biases, LayerNorms) for selective methods and the optimizer.
#pragma once
#include <string>
#include <vector>

#include <torch/torch.h>

#include "nn/branch_site.h"
#include "nn/input_sequence.h"
#include "nn/key_value_site.h"
#include "nn/site_embedding.h"
#include "nn/site_linear.h"

namespace peft::models {

enum class SiteRole {
  Query, Key, Value, AttentionOutput, Up, Gate, Down, Pooler,     // linear sites
  WordEmbeddings, PositionEmbeddings, TokenTypeEmbeddings,         // embedding sites
  EmbeddingOutput, AttentionBranch, FeedForwardBranch,             // branch sites
  InputSequence, KeyValue,
};

// What a tensor is to the optimizer (weight decay, per-role learning rates): data the tensor's owner sets,
// not a name to match. FactorIn / FactorOut: the input-side and output-side factor of a low-rank update.
enum class TensorRole { Weight, Bias, Norm, Embedding, FactorIn, FactorOut };

struct LinearSiteRef {
  std::string path;  // HF module path under the task model, e.g. bert.encoder.layer.0.attention.self.query
  nn::SiteLinear linear;
  SiteRole role;
  int64_t layer;  // -1 outside the layers (the pooler)
};
struct EmbeddingSiteRef {
  std::string path;  // e.g. bert.embeddings.word_embeddings
  nn::SiteEmbedding embedding;
  SiteRole role;
};
struct BranchSiteRef {
  std::string path;  // e.g. bert.encoder.layer.0.attention.output
  int64_t layer;     // -1 for the embedding output
  SiteRole role;
  nn::BranchSite* site;
};
struct KeyValueSiteRef {
  std::string path;  // e.g. bert.encoder.layer.0.attention.self
  int64_t layer;
  nn::KeyValueSite* site;
};
struct InputSequenceSiteRef {
  std::string path;  // e.g. bert.embeddings
  nn::InputSequenceSite* site;
};
struct BaseTensorRef {
  std::string name;  // e.g. bert.encoder.layer.0.output.LayerNorm.bias
  torch::Tensor tensor;
  TensorRole role;
};

struct SiteCatalogue {
  std::vector<LinearSiteRef> linear;
  std::vector<EmbeddingSiteRef> embedding;
  std::vector<BranchSiteRef> branch;  // the embedding output first, then two per layer
  std::vector<KeyValueSiteRef> key_value;
  InputSequenceSiteRef input_sequence;
  std::vector<BaseTensorRef> tensors;  // every backbone tensor
};

// The role of a tensor under HF's naming (LayerNorm / layer_norm weights and biases are Norm).
TensorRole base_tensor_role(const std::string& name);

}  // namespace peft::models
