#include "train/precision.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace peft::train {
namespace {

bool has_flag(const std::string& flags, const std::string& flag) {
  std::istringstream words(flags);
  for (std::string word; words >> word;)
    if (word == flag) return true;
  return false;
}

// The fastest of a few timed calls of `work` after one warm-up, in seconds.
double best_seconds(const std::function<void()>& work) {
  work();
  double best = 1e30;
  for (int i = 0; i < 3; ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  return best;
}

std::string format_speedup(double speedup) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2fx", speedup);
  return text;
}

}  // namespace

CpuFeatures CpuFeatures::from_flags(const std::string& flags) {
  return {has_flag(flags, "avx512_bf16"), has_flag(flags, "amx_bf16")};
}

CpuFeatures CpuFeatures::of_this_cpu() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("flags", 0) == 0) return from_flags(line.substr(line.find(':') + 1));
  return {};
}

double measure_bf16_speedup(int64_t hidden, int64_t intermediate) {
  torch::NoGradGuard no_grad;
  // A batch of up to 2048 tokens, fewer for wide models so the probe stays near a GFLOP per product.
  const int64_t rows = std::clamp<int64_t>(int64_t(5e8) / (hidden * intermediate), 64, 2048);
  const auto x = torch::randn({rows, hidden}), up = torch::randn({intermediate, hidden});
  const auto down = torch::randn({hidden, intermediate});
  const auto up16 = up.to(torch::kBFloat16), down16 = down.to(torch::kBFloat16);
  const double f32 = best_seconds([&] { torch::linear(torch::linear(x, up), down); });
  const double bf16 = best_seconds([&] { torch::linear(torch::linear(x.to(torch::kBFloat16), up16), down16); });
  return f32 / bf16;
}

PrecisionChoice choose_precision(const std::string& requested, const torch::Device& device, const CpuFeatures& cpu,
                                 const std::function<double()>& bf16_speedup) {
  if (requested != "auto") {
    autocast_dtype(requested);  // refuses an unknown name
    return {requested, "asked for"};
  }
  if (device.is_cuda()) return {"bf16", "auto: CUDA"};
  if (cpu.amx_bf16) return {"bf16", "auto: the CPU has AMX"};
  if (!cpu.avx512_bf16) return {"f32", "auto: the CPU has no bf16 instructions"};
  const double speedup = bf16_speedup();
  const std::string measured = "AVX512-BF16, bf16 matrix products " + format_speedup(speedup) + " as fast as f32";
  return {speedup >= kMinBf16Speedup ? "bf16" : "f32", "auto: " + measured};
}

PrecisionChoice resolve_precision(const std::string& requested, const torch::Device& device,
                                  const models::ModelConfig& config) {
  return choose_precision(requested, device, CpuFeatures::of_this_cpu(), [&] {
    return measure_bf16_speedup(config.hidden_size, config.intermediate_size);
  });
}

}  // namespace peft::train
