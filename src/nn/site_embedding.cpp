#include "nn/site_embedding.h"

namespace peft::nn {

SiteEmbeddingImpl::SiteEmbeddingImpl(int64_t num, int64_t dim) : num_embeddings(num), embedding_dim(dim) {
  // torch.nn.Embedding's default init, N(0, 1); HF's own init replaces it.
  weight = register_parameter("weight", torch::randn({num, dim}));
}

torch::Tensor SiteEmbeddingImpl::forward(const torch::Tensor& ids, const ForwardContext& ctx) {
  return apply_deltas(ids, torch::embedding(weight, ids), ctx);
}

}  // namespace peft::nn
