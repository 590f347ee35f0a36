#include "bench/memory.h"

#include <fstream>
#include <string>

#ifdef PEFT_WITH_CUDA  // LibTorch built with CUDA: its caching allocator keeps the statistics
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace peft::bench {

int64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  return 0;
}

#ifdef PEFT_WITH_CUDA
namespace {
c10::DeviceIndex index_of(const torch::Device& device) { return device.has_index() ? device.index() : 0; }
}  // namespace

void reset_peak_device_bytes(const torch::Device& device) {
  if (device.is_cuda()) c10::cuda::CUDACachingAllocator::resetPeakStats(index_of(device));
}

std::optional<int64_t> peak_device_bytes(const torch::Device& device) {
  if (!device.is_cuda()) return std::nullopt;
  // allocated_bytes[0]: the aggregate over the allocator's small and large pools.
  return c10::cuda::CUDACachingAllocator::getDeviceStats(index_of(device)).allocated_bytes[0].peak;
}
#else
void reset_peak_device_bytes(const torch::Device&) {}
std::optional<int64_t> peak_device_bytes(const torch::Device&) { return std::nullopt; }
#endif

}  // namespace peft::bench
