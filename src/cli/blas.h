// The BLAS under LibTorch's fp32 matrix maths. Debian's LibTorch calls GEMM through libblas.so.3: OpenBLAS
// when libopenblas0-pthread is installed, else the ~10x slower reference BLAS. Both fixes below act only on
// OpenBLAS and do nothing under any other BLAS (MKL in pip wheels, reference BLAS).
#pragma once

namespace peft::cli {

// OpenBLAS picks its kernels from the CPU model when it loads, before main. On a model newer than its table
// (0.3.21, Debian 12, on Emerald Rapids Xeons) it falls back to SSE3 kernels ("Prescott"): fp32 GEMM at a
// fifth of the AVX-512 kernels' speed. Then this re-executes the program once with OPENBLAS_CORETYPE set
// from the CPU's own feature flags. A user's OPENBLAS_CORETYPE is kept. Call first thing in main.
void use_native_blas_kernels(char** argv);

// OpenBLAS keeps its own thread pool, which LibTorch's set_num_threads does not size: without this,
// one-thread runs side by side would each still multiply on every core.
void set_blas_threads(int threads);

// One line on stderr when LibTorch got the reference BLAS.
void warn_if_reference_blas();

}  // namespace peft::cli
