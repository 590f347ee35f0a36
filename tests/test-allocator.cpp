// The allocator keeps freed blocks for reuse: memory freed and allocated again costs no page faults.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <vector>

#include "core/allocator.h"

namespace {

long minor_page_faults() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_minflt;
}

// Page faults while allocating and filling `count` blocks of `bytes`, then freeing them all: the pattern of
// a training step's activations.
long faults_to_fill(int count, size_t bytes) {
  const long before = minor_page_faults();
  std::vector<void*> blocks;
  for (int i = 0; i < count; ++i) {
    blocks.push_back(std::malloc(bytes));
    std::memset(blocks.back(), 1, bytes);
  }
  for (void* block : blocks) std::free(block);
  return minor_page_faults() - before;
}

TEST(Allocator, ReusesFreedActivationsWithoutPageFaults) {
#ifndef __GLIBC__
  GTEST_SKIP() << "not glibc";
#endif
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") || std::getenv("MALLOC_TRIM_THRESHOLD_")) GTEST_SKIP() << "user's settings";
  peft::keep_freed_memory_for_reuse();
  const size_t bytes = 4 << 20;  // 16 activations of 1024 x 1024 fp32: 16k pages
  faults_to_fill(16, bytes);     // the heap grows once
  EXPECT_LT(faults_to_fill(16, bytes), 256);
  EXPECT_LT(faults_to_fill(16, bytes), 256);
}

}  // namespace
