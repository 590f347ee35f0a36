#include "cli/cpu_runtime.h"

#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include <ATen/Parallel.h>

namespace peft::cli {
namespace {

// An OpenBLAS function by name; null under another BLAS.
template <typename Function>
Function* openblas_function(const char* name) {
  return reinterpret_cast<Function*>(dlsym(RTLD_DEFAULT, name));
}

// The best OpenBLAS kernel family this CPU runs, or null when the fallback is as good as any.
const char* kernels_for_this_cpu() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
  return nullptr;
}

// OPENBLAS_CORETYPE to set, or null: when OpenBLAS fell back to one of its kernel families without AVX
// (for CPUs it does not know) on a CPU that has AVX2 or AVX-512, and the user named none.
const char* openblas_coretype_to_set() {
  auto* corename = openblas_function<char*()>("openblas_get_corename");
  if (!corename || std::getenv("OPENBLAS_CORETYPE")) return nullptr;
  const std::string core = corename();
  if (core != "Prescott" && core != "Nehalem" && core != "Core2") return nullptr;
  return kernels_for_this_cpu();
}

// OpenBLAS's threading: 0 sequential, 1 its own pthreads, 2 OpenMP; -1 under another BLAS.
int openblas_threading() {
  auto* parallel = openblas_function<int()>("openblas_get_parallel");
  return parallel ? parallel() : -1;
}

// GOMP_SPINCOUNT to set, or null: when two thread pools, OpenMP's and OpenBLAS's pthreads, share more than
// one CPU and the user set no OpenMP wait policy. 10k rounds measured fastest (100k: no faster than one thread).
const char* openmp_spincount_to_set() {
  if (openblas_threading() != 1 || usable_cpus() < 2) return nullptr;
  if (std::getenv("GOMP_SPINCOUNT") || std::getenv("OMP_WAIT_POLICY")) return nullptr;
  return "10000";
}

}  // namespace

void rerun_with_cpu_runtime_settings(char** argv) {
  const char* coretype = openblas_coretype_to_set();
  const char* spincount = openmp_spincount_to_set();
  if (!coretype && !spincount) return;
  if (coretype) setenv("OPENBLAS_CORETYPE", coretype, 1);
  if (spincount) setenv("GOMP_SPINCOUNT", spincount, 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then carry on, slower
  std::cerr << "peft: warning: could not re-run with OpenBLAS's and OpenMP's settings for this CPU; set"
            << (coretype ? std::string(" OPENBLAS_CORETYPE=") + coretype : "")
            << (spincount ? std::string(" GOMP_SPINCOUNT=") + spincount : "") << "\n";
}

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? std::max(1, CPU_COUNT(&set)) : 1;
}

void set_cpu_threads(int threads) {
  at::set_num_threads(threads);
  if (auto* set = openblas_function<void(int)>("openblas_set_num_threads")) set(threads);
}

std::string cpu_runtime_summary() {
  std::string summary = "LibTorch's BLAS";
  if (auto* corename = openblas_function<char*()>("openblas_get_corename")) {
    const int threading = openblas_threading();
    summary = std::string("OpenBLAS ") + corename() +
              (threading == 1 ? " (pthreads)" : threading == 2 ? " (OpenMP)" : " (sequential)");
  }
  if (const char* spincount = std::getenv("GOMP_SPINCOUNT")) summary += std::string(", GOMP_SPINCOUNT=") + spincount;
  if (const char* policy = std::getenv("OMP_WAIT_POLICY")) summary += std::string(", OMP_WAIT_POLICY=") + policy;
  return summary;
}

// The process's memory map shows which libblas.so.3 the alternatives system gave LibTorch (a timing check
// misfires on a busy machine).
void warn_if_reference_blas() {
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);)
    if (line.find("/blas/libblas.so") != std::string::npos) {
      std::cerr << "peft: warning: LibTorch is using the reference BLAS (~10x slower); install libopenblas0-pthread\n";
      return;
    }
}

}  // namespace peft::cli
