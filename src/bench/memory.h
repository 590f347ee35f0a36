// High-water marks of memory for benchmarks: the process's resident set (host) and, on a LibTorch built
// with CUDA, the bytes its caching allocator handed out on a GPU.
#pragma once
#include <torch/torch.h>

#include <cstdint>
#include <optional>

namespace peft::bench {

int64_t peak_rss_bytes();  // the process's high-water resident memory (Linux), 0 when unknown

// Starts the GPU high-water mark afresh; nothing off CUDA.
void reset_peak_device_bytes(const torch::Device& device);
// The most bytes allocated on `device` since the last reset; none off CUDA (or without CUDA support).
std::optional<int64_t> peak_device_bytes(const torch::Device& device);

}  // namespace peft::bench
