#include "cli/blas.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

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

}  // namespace

void use_native_blas_kernels(char** argv) {
  auto* corename = openblas_function<char*()>("openblas_get_corename");
  if (!corename || std::getenv("OPENBLAS_CORETYPE")) return;
  const std::string core = corename();
  // OpenBLAS's fallbacks for CPUs it does not know; none has AVX.
  if (core != "Prescott" && core != "Nehalem" && core != "Core2") return;
  const char* native = kernels_for_this_cpu();
  if (!native) return;
  setenv("OPENBLAS_CORETYPE", native, 1);
  execv("/proc/self/exe", argv);  // returns only on failure: then carry on with the slow kernels
  std::cerr << "peft: warning: OpenBLAS uses its generic " << core << " kernels on this CPU (fp32 ~5x slower); "
            << "set OPENBLAS_CORETYPE=" << native << "\n";
}

void set_blas_threads(int threads) {
  if (auto* set = openblas_function<void(int)>("openblas_set_num_threads")) set(threads);
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
