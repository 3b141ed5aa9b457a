// Row-major C = alpha op(A) op(B) + beta C, the one GEMM entry point of the ops.
// float goes to oneDNN's sgemm when nabla is built with it (1.3-3x OpenBLAS at
// the book's mini-batch shapes: benchmarks/gemm_shapes.cpp), double to OpenBLAS;
// both run on one thread. split_gemm splits C over nabla's threads when the
// product is large enough: C's rows (or columns,
// whichever dimension is larger) in fixed blocks, one single-threaded sgemm per
// block. Every element of C is computed by one call over the same K, so a fixed
// thread count gives the same result on every run.
#pragma once
#include <xtensor-blas/xlinalg.hpp>  // declares cblas_sgemm / cblas_dgemm (no <cblas.h>: TOOLCHAIN.md §2)

#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/parallel.hpp"
#ifdef NABLA_HAVE_DNNL
#include <oneapi/dnnl/dnnl.h>
#endif

namespace nabla {

#ifdef NABLA_HAVE_DNNL
// oneDNN threads its GEMMs over OpenMP's nthreads-var; nabla keeps one level of
// threads, its own, so a call outside nabla's parallel regions asks for one.
// (Inside a region oneDNN already runs on the calling thread.)
class DnnlOneThread {
 public:
  DnnlOneThread() {
#ifdef _OPENMP
    if (!omp_in_parallel() && (saved_ = omp_get_max_threads()) > 1) omp_set_num_threads(1);
#endif
  }
  ~DnnlOneThread() {
#ifdef _OPENMP
    if (saved_ > 1) omp_set_num_threads(saved_);
#endif
  }
  DnnlOneThread(const DnnlOneThread&) = delete;
  DnnlOneThread& operator=(const DnnlOneThread&) = delete;

 private:
  int saved_ = 0;
};
#endif

// NABLA_GEMM=openblas sends float GEMMs to OpenBLAS too (to compare the two).
inline bool use_dnnl() {
  static const bool on = [] {
    const char* env = std::getenv("NABLA_GEMM");
    return !(env && std::string(env) == "openblas");
  }();
  return on;
}

inline void blas_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                      const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
#ifdef NABLA_HAVE_DNNL
  if (use_dnnl()) {
    DnnlOneThread one;
    if (dnnl_sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc) == dnnl_success)
      return;
  }  // a shape oneDNN refuses falls through to OpenBLAS
#endif
  cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M), int(N), int(K),
              alpha, A, int(lda), B, int(ldb), beta, C, int(ldc));
}
inline void blas_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
                      const double* B, int64_t ldb, double beta, double* C, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, int(M), int(N), int(K),
              alpha, A, int(lda), B, int(ldb), beta, C, int(ldc));
}

// Multiply-adds per thread below which a GEMM stays on one thread.
constexpr int64_t kGemmParallelMinMacs = 200000;

template <class T>
void split_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
                int64_t ldb, T beta, T* C) {
  const int nt0 = threads_for(M * N * K, kGemmParallelMinMacs);
  const bool rows = M >= N;
  if (nt0 == 1 || (rows ? M : N) < 2) return blas_gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, N);
  parallel_blocks(nt0, [&](int t, int nt) {
    if (rows) {
      const int64_t i0 = block_begin(M, t, nt), i1 = block_begin(M, t + 1, nt);
      if (i1 > i0) blas_gemm(ta, tb, i1 - i0, N, K, alpha, ta ? A + i0 : A + i0 * lda, lda, B, ldb, beta, C + i0 * N, N);
    } else {
      const int64_t j0 = block_begin(N, t, nt), j1 = block_begin(N, t + 1, nt);
      if (j1 > j0) blas_gemm(ta, tb, M, j1 - j0, K, alpha, A, lda, tb ? B + j0 * ldb : B + j0, ldb, beta, C + j0, N);
    }
  });
}

}  // namespace nabla
