// Intra-op threads, one level: a kernel splits its work over nabla's OpenMP
// threads (set_num_threads / NABLA_NUM_THREADS) only when there are several and
// the work is large enough to pay for waking them; OpenBLAS stays at one thread
// inside. Work is split into fixed static blocks by thread index, so for a fixed
// thread count every result (including reductions, combined in block order) is
// the same on every run.
#pragma once
#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/function.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace nabla {

// Threads to use for `work` units when each thread should get at least
// `min_per_thread` of them; 1 inside an enclosing parallel region (one level).
inline int threads_for(int64_t work, int64_t min_per_thread) {
  const int t = num_threads();
  if (t <= 1 || work < 2 * min_per_thread) return 1;
#ifdef _OPENMP
  if (omp_in_parallel()) return 1;
#endif
  return int(std::min<int64_t>(t, work / std::max<int64_t>(1, min_per_thread)));
}

// Block b of [0, n) split into `of` nearly equal contiguous blocks.
inline int64_t block_begin(int64_t n, int b, int of) { return n * b / of; }

// Calls f(t, nt) on nt threads (t = 0..nt-1), or f(0, 1) on the caller when nt is 1.
template <class F>
void parallel_blocks(int nt, F&& f) {
#ifdef _OPENMP
  if (nt > 1) {
#pragma omp parallel num_threads(nt)
    f(omp_get_thread_num(), omp_get_num_threads());
    return;
  }
#endif
  f(0, 1);
}

// A per-thread buffer of at least n elements, grown to the largest size asked and
// then reused, so a compiled function's steady-state call allocates nothing. Each
// Tag names one use; a kernel holds it only between its own start and end.
template <class T, int Tag = 0>
T* thread_scratch(size_t n) {
  thread_local std::vector<T> buf;
  if (buf.size() < n) buf.resize(n);
  return buf.data();
}

}  // namespace nabla
