// Row-major C = alpha op(A) op(B) + beta C, the one GEMM entry point of the ops.
// float goes to oneDNN's sgemm when nabla is built with it (1.3-3x OpenBLAS at
// the book's mini-batch shapes: benchmarks/gemm_shapes.cpp), double to OpenBLAS;
// both run on one thread. split_gemm splits a product over nabla's threads when
// it is large enough, in fixed blocks, one single-threaded sgemm per block (see
// gemm_split_axis for which way); partial sums are added in thread order, so a
// fixed thread count gives the same result on every run.
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

// How split_gemm divides a product over threads: C's rows (M), C's columns (N),
// or the depth K (each thread a partial product, summed in thread order).
enum class GemmSplit { Rows, Cols, Depth };

// thread_scratch tag of a depth split's partial products (one M x N block per extra thread).
constexpr int kGemmDepthScratch = 2;

// Split along the stored rows of the largest operand. In a dense layer that is the
// weight matrix W in its forward product, in the gradient for its input and in its
// update, and the rule hands each thread the same rows of W in all three: at two
// threads each core keeps its half of W in its own L2 cache instead of pulling the
// other core's half over every step (these mini-batch-10 products are bound by
// reading W, not by arithmetic). Depth is used only when C is small beside the
// largest operand, since it costs a partial C per extra thread and a sum.
inline GemmSplit gemm_split_axis(bool ta, bool tb, int64_t M, int64_t N, int64_t K, int nt) {
  const int64_t a = M * K, b = K * N, c = M * N;
  GemmSplit want;
  if (c >= a && c >= b)
    want = GemmSplit::Rows;
  else if (b >= a)
    want = tb ? GemmSplit::Cols : GemmSplit::Depth;
  else
    want = ta ? GemmSplit::Depth : GemmSplit::Rows;
  const int64_t extent = want == GemmSplit::Rows ? M : want == GemmSplit::Cols ? N : K;
  const bool depth_pays = want != GemmSplit::Depth || 4 * c <= std::max(a, b);
  if (extent >= 2 * nt && depth_pays) return want;
  return M >= N ? GemmSplit::Rows : GemmSplit::Cols;  // the largest dimension of C
}

template <class T>
void split_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda, const T* B,
                int64_t ldb, T beta, T* C) {
  const int nt0 = threads_for(M * N * K, kGemmParallelMinMacs);
  if (nt0 == 1 || std::max(M, N) < 2) return blas_gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, N);
  const GemmSplit axis = gemm_split_axis(ta, tb, M, N, K, nt0);
  T* partial = axis == GemmSplit::Depth ? thread_scratch<T, kGemmDepthScratch>(size_t(nt0 - 1) * size_t(M * N)) : nullptr;
  parallel_blocks(nt0, [&](int t, int nt) {
    if (axis == GemmSplit::Rows) {
      const int64_t i0 = block_begin(M, t, nt), i1 = block_begin(M, t + 1, nt);
      if (i1 > i0) blas_gemm(ta, tb, i1 - i0, N, K, alpha, ta ? A + i0 : A + i0 * lda, lda, B, ldb, beta, C + i0 * N, N);
    } else if (axis == GemmSplit::Cols) {
      const int64_t j0 = block_begin(N, t, nt), j1 = block_begin(N, t + 1, nt);
      if (j1 > j0) blas_gemm(ta, tb, M, j1 - j0, K, alpha, A, lda, tb ? B + j0 * ldb : B + j0, ldb, beta, C + j0, N);
    } else {
      // Thread 0 accumulates into C (with beta), the others into their partials;
      // after the barrier each thread adds the partials to its block of C in
      // thread order, so a fixed thread count always rounds the same way.
      const int64_t k0 = block_begin(K, t, nt), k1 = block_begin(K, t + 1, nt);
      const T* a = ta ? A + k0 * lda : A + k0;
      const T* b = tb ? B + k0 : B + k0 * ldb;
      T* out = t == 0 ? C : partial + size_t(t - 1) * size_t(M * N);
      blas_gemm(ta, tb, M, N, k1 - k0, alpha, a, lda, b, ldb, t == 0 ? beta : T(0), out, N);
#ifdef _OPENMP
#pragma omp barrier
#endif
      const int64_t e0 = block_begin(M * N, t, nt), e1 = block_begin(M * N, t + 1, nt);
      for (int u = 1; u < nt; ++u) {
        const T* p = partial + size_t(u - 1) * size_t(M * N);
        for (int64_t e = e0; e < e1; ++e) C[e] += p[e];
      }
    }
  });
}

}  // namespace nabla
