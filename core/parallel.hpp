// Intra-op threads, one level: a kernel splits its work over nabla's OpenMP
// threads (set_num_threads / NABLA_NUM_THREADS) only when there are several and
// the work is large enough to pay for waking them; OpenBLAS stays at one thread
// inside. Work is split into fixed static blocks by thread index, so for a fixed
// thread count every result (including reductions, combined in block order) is
// the same on every run.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <stdexcept>
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

// Chunks of `size` elements needed to cover n (the last one may be short).
inline int64_t ceil_div(int64_t n, int64_t size) { return (n + size - 1) / size; }

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

// Chunks 0..n-1 of one parallel op, dealt out as fixed static blocks (thread t
// owns block t, as block_begin splits them) that a thread works through from
// the front; a thread done with its own block takes chunks from the back of the
// others'. When the cores run alike each thread stays on its block, next to the
// data the previous op left in its cache; when one core is slower or busy (on
// shared 2-vCPU machines one can stream memory ~1.4x slower than the other) the
// other takes over the tail of its work instead of waiting at the barrier.
// Chunk boundaries are the caller's and fixed: a result never combined across
// chunks depends only on them, not on which thread ran which, so it is the same
// bits on every run. (Reductions over chunks need their own partials.) A block
// is one packed (front, back) word, so chunk indices stay below 2^32; claims are
// relaxed atomics, and the region's closing barrier publishes the chunks' work.
class ChunkQueue {
 public:
  static constexpr int kMaxThreads = 64;
  ChunkQueue(int nt, int64_t n_chunks) : nt_(std::clamp(nt, 1, kMaxThreads)) {
    if (n_chunks < 0 || n_chunks > int64_t(UINT32_MAX)) throw std::length_error("ChunkQueue: chunk count out of range");
    for (int t = 0; t < nt_; ++t)
      blocks_[t].range.store(pack(block_begin(n_chunks, t, nt_), block_begin(n_chunks, t + 1, nt_)),
                             std::memory_order_relaxed);
  }
  ChunkQueue(const ChunkQueue&) = delete;
  ChunkQueue& operator=(const ChunkQueue&) = delete;

  // Called by thread t of the team (every member, or just t = 0 on one thread):
  // g(c) for each chunk this thread gets. The team may be smaller than nt.
  template <class G>
  void run(int t, G&& g) {
    int64_t c;
    if (t < nt_)
      while ((c = take(t, true)) >= 0) g(c);
    for (int k = 1; k < nt_; ++k)
      while ((c = take((t + k) % nt_, false)) >= 0) g(c);
  }

 private:
  static uint64_t pack(int64_t lo, int64_t hi) { return uint64_t(lo) << 32 | uint64_t(hi); }
  // The next chunk of block b from its front (the owner) or back (a helper); -1 when empty.
  int64_t take(int b, bool front) {
    std::atomic<uint64_t>& r = blocks_[b].range;
    uint64_t cur = r.load(std::memory_order_relaxed);
    for (;;) {
      const int64_t lo = int64_t(cur >> 32), hi = int64_t(cur & 0xffffffffu);
      if (lo >= hi) return -1;
      const uint64_t next = front ? pack(lo + 1, hi) : pack(lo, hi - 1);
      if (r.compare_exchange_weak(cur, next, std::memory_order_relaxed)) return front ? lo : hi - 1;
    }
  }
  struct alignas(64) Block {  // one cache line each: owners do not contend
    std::atomic<uint64_t> range{0};
  };
  int nt_;
  Block blocks_[kMaxThreads];
};

// f(c) for chunks c = 0..n_chunks-1 on nt threads through a ChunkQueue, for
// bodies that need no per-thread setup.
template <class F>
void parallel_chunks(int nt, int64_t n_chunks, F&& f) {
  if (n_chunks < 2) nt = 1;
  ChunkQueue queue(nt, n_chunks);
  parallel_blocks(nt, [&](int t, int) { queue.run(t, f); });
}

// dst[e] += partials[0][e] + ... (in that order) for thread t's block of e in
// [0, n), partial p at partials + p * n: called by every thread of a team after
// a barrier, it sums per-thread or per-chunk partials in a fixed order, so the
// result does not depend on which thread computed which partial.
template <class T>
void add_partials_in_order(T* dst, const T* partials, int64_t n_partials, int64_t n, int t, int team) {
  const int64_t e0 = block_begin(n, t, team), e1 = block_begin(n, t + 1, team);
  for (int64_t p = 0; p < n_partials; ++p) {
    const T* src = partials + p * n;
    for (int64_t e = e0; e < e1; ++e) dst[e] += src[e];
  }
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
