// The only place that knows LibTorch versions differ (Debian's 1.13 vs 2.x with CUDA): everything
// else calls these wrappers.
#pragma once
#include <torch/torch.h>
#include <torch/version.h>

namespace peft::compat {

constexpr bool kFusedAttention = TORCH_VERSION_MAJOR >= 2;

// softmax(q k^T / sqrt(d) + mask) v with attention-probability dropout; mask is additive, broadcastable
// to [B, heads, Lq, Lk]. LibTorch 2.x dispatches to fused (flash / memory-efficient) kernels.
inline torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                               const torch::Tensor& mask, double dropout, bool training) {
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, mask, training ? dropout : 0.0);
#else
  auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(q.size(-1)));
  auto probs = torch::softmax(scores + mask, -1);
  probs = torch::dropout(probs, dropout, training);
  return torch::matmul(probs, v);
#endif
}

}  // namespace peft::compat
