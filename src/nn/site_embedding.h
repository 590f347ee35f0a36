// A frozen embedding table that PEFT methods attach to (the "embedding site"): deltas see the token ids
// and add to the looked-up vectors, as LoRA on nn.Embedding does in HF PEFT.
#pragma once
#include "nn/site.h"

namespace peft::nn {

class SiteEmbeddingImpl : public SiteBase {
 public:
  SiteEmbeddingImpl(int64_t num_embeddings, int64_t embedding_dim);
  torch::Tensor forward(const torch::Tensor& ids, const ForwardContext& ctx);  // [..] int64 -> [.., dim]
  torch::Tensor forward(const torch::Tensor& ids) { return forward(ids, own_context()); }

  int64_t num_embeddings, embedding_dim;
};
TORCH_MODULE(SiteEmbedding);

}  // namespace peft::nn
