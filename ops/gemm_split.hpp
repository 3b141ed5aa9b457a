// Row-major C = alpha op(A) op(B) + beta C, the one GEMM entry point of the ops.
// float goes to oneDNN's sgemm when nabla is built with it (1.3-3x OpenBLAS at
// the book's mini-batch shapes: benchmarks/gemm_shapes.cpp), double to OpenBLAS;
// both run on one thread. split_gemm splits a product over nabla's threads when
// it is large enough, in fixed blocks, one single-threaded sgemm per block (see
// gemm_split_axis for which way); row and column blocks go to whichever thread
// gets to them (each is the same product whoever runs it), depth partials are
// added in thread order, so a fixed thread count gives the same result on every run.
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

// oneDNN's sgemm is slow when both sides of C are small, where OpenBLAS runs
// near peak: 6.2's conv filter gradient per image (20 x 25, depth 576) 5.7 us
// against 16.7, an FC forward column block (10 x 12, depth 2880) 6.9 against
// 8.3, 1.1's forward (10 x 30) 4.8 against 6.2 (make bench-gemm, Zen 4 VM; an
// Intel Xeon measured the conv gradient the same way round, in situ, 62 against
// 90 us per step). Where either side of C is larger oneDNN wins, 1.2-3x.
constexpr int64_t kDnnlMinSide = 33;
inline bool dnnl_pays(int64_t M, int64_t N) { return M >= kDnnlMinSide || N >= kDnnlMinSide; }

inline void blas_gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
                      const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
#ifdef NABLA_HAVE_DNNL
  if (use_dnnl() && dnnl_pays(M, N)) {
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
// A row or column split cuts C into up to this many blocks per thread, each at
// least kGemmMinChunk rows (columns) wide, so a slower core ends up with fewer
// (ChunkQueue: each thread starts on its own block, the faster one takes over
// the other's tail).
// (4 measured best on a 2-vCPU Zen 4 VM for 6.2's FC products: 1 leaves the
// slower core's half to wait for, 8 makes the blocks too thin for the GEMM kernel.)
constexpr int64_t kGemmChunksPerThread = 4;
constexpr int64_t kGemmMinChunk = 8;

// How split_gemm divides a product over threads: C's rows (M), C's columns (N),
// or the depth K (each thread a partial product, summed in thread order).
enum class GemmSplit { Rows, Cols, Depth };

// thread_scratch tag of a depth split's partial products (one M x N block per extra thread).
constexpr int kGemmDepthScratch = 2;

// Split along the stored rows of the largest operand. In a dense layer that is the
// weight matrix W in its forward product, in the gradient for its input and in its
// update, and the rule hands each thread the same rows of W in all three (while
// the cores keep pace, ChunkQueue keeps each on its own block): at two threads
// each core keeps its half of W in its own L2 cache instead of pulling the
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
  if (axis != GemmSplit::Depth) {
    // Each block of C's rows (columns) is one product with fixed bounds, taken by
    // whichever thread is free: the same bits whoever runs it.
    const int64_t extent = axis == GemmSplit::Rows ? M : N;
    const int n_chunks =
        int(std::max<int64_t>(nt0, std::min<int64_t>(extent / kGemmMinChunk, nt0 * kGemmChunksPerThread)));
    return parallel_chunks(nt0, n_chunks, [&](int64_t c) {
      const int64_t i0 = block_begin(extent, int(c), n_chunks), i1 = block_begin(extent, int(c) + 1, n_chunks);
      if (i1 == i0) return;
      if (axis == GemmSplit::Rows)
        blas_gemm(ta, tb, i1 - i0, N, K, alpha, ta ? A + i0 : A + i0 * lda, lda, B, ldb, beta, C + i0 * N, N);
      else
        blas_gemm(ta, tb, M, i1 - i0, K, alpha, A, lda, tb ? B + i0 * ldb : B + i0, ldb, beta, C + i0, N);
    });
  }
  T* partial = thread_scratch<T, kGemmDepthScratch>(size_t(nt0 - 1) * size_t(M * N));
  parallel_blocks(nt0, [&](int t, int nt) {
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
    add_partials_in_order(C, partial, nt - 1, M * N, t, nt);
  });
}

}  // namespace nabla
