// How the CPU maths libraries under LibTorch run. Debian's LibTorch calls GEMM through libblas.so.3
// (OpenBLAS when libopenblas0-pthread is installed, else the ~10x slower reference BLAS) and runs its own
// element-wise kernels on GNU OpenMP's threads. The OpenBLAS fixes below do nothing under another BLAS
// (MKL in pip wheels, reference BLAS) or an OpenMP build of OpenBLAS.
#pragma once

#include <string>

namespace peft::cli {

// OpenBLAS and GNU OpenMP read some settings from the environment as they load, before main. When this
// machine needs one the user has not set, this sets it and re-executes the program once (~0.7 s):
// - OPENBLAS_CORETYPE: on a CPU model newer than its table (0.3.21, Debian 12, on Emerald Rapids Xeons)
//   OpenBLAS falls back to SSE3 kernels ("Prescott"), fp32 GEMM at a fifth of the AVX-512 kernels' speed;
//   this names the kernels from the CPU's own feature flags.
// - GOMP_SPINCOUNT: after each parallel region OpenMP's workers spin for ~300k rounds, on the very cores
//   OpenBLAS's own threads then need for the next GEMM. Two threads on two cores ran a training step of the
//   default model 1.6x slower than one thread did; with a short spin, 1.4x faster.
// Call first thing in main.
void rerun_with_cpu_runtime_settings(char** argv);

// The CPUs this process may run on.
int usable_cpus();

// Threads for LibTorch's kernels and for OpenBLAS's pool, which LibTorch's set_num_threads does not size:
// without this, one-thread runs side by side would each still multiply on every core.
void set_cpu_threads(int threads);

// What the maths runs on, for benchmark records: e.g. "OpenBLAS SkylakeX (pthreads), GOMP_SPINCOUNT=10000".
std::string cpu_runtime_summary();

// One line on stderr when LibTorch got the reference BLAS.
void warn_if_reference_blas();

}  // namespace peft::cli
