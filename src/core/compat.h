// The only place that knows LibTorch versions differ (Debian's 1.13 vs 2.x with CUDA): everything
// else calls these wrappers.
#pragma once
#include <ATen/autocast_mode.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <optional>

#include "core/dropout.h"

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
  probs = peft::dropout(probs, dropout, training);
  return torch::matmul(probs, v);
#endif
}

// Mixed precision in a scope (HF's --bf16): while alive, matrix products on `device` run in `dtype` and
// numerically touchy ops in fp32; weights stay fp32. On scope exit the previous state returns and the
// cached low-precision weight copies are dropped, since the next optimizer step makes them stale.
// No dtype: does nothing.
class Autocast {
 public:
  Autocast(c10::DeviceType device, std::optional<torch::ScalarType> dtype) : device_(device), on_(dtype.has_value()) {
    if (!on_) return;
    was_enabled_ = enabled(device_);
    was_dtype_ = get_dtype(device_);
    set(device_, true, *dtype);
    at::autocast::increment_nesting();
  }
  ~Autocast() {
    if (!on_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    set(device_, was_enabled_, was_dtype_);
  }
  Autocast(const Autocast&) = delete;
  Autocast& operator=(const Autocast&) = delete;

 private:
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
  static bool enabled(c10::DeviceType d) { return at::autocast::is_autocast_enabled(d); }
  static torch::ScalarType get_dtype(c10::DeviceType d) { return at::autocast::get_autocast_dtype(d); }
  static void set(c10::DeviceType d, bool on, torch::ScalarType dtype) {
    at::autocast::set_autocast_enabled(d, on);
    at::autocast::set_autocast_dtype(d, dtype);
  }
#else
  static bool enabled(c10::DeviceType d) {
    return d == c10::DeviceType::CUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
  }
  static torch::ScalarType get_dtype(c10::DeviceType d) {
    return d == c10::DeviceType::CUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
  }
  static void set(c10::DeviceType d, bool on, torch::ScalarType dtype) {
    if (d == c10::DeviceType::CUDA) {
      at::autocast::set_enabled(on);
      at::autocast::set_autocast_gpu_dtype(dtype);
    } else {
      at::autocast::set_cpu_enabled(on);
      at::autocast::set_autocast_cpu_dtype(dtype);
    }
  }
#endif
  c10::DeviceType device_;
  bool on_, was_enabled_ = false;
  torch::ScalarType was_dtype_ = torch::kFloat32;
};

}  // namespace peft::compat
