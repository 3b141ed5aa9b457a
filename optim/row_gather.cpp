#include "optim/row_gather.hpp"

#include <algorithm>
#include <cstring>

namespace nabla::optim::detail {

namespace {

size_t row_bytes(const Tensor& t) {
  return t.shape()[0] > 0 ? t.nbytes() / size_t(t.shape()[0]) : size_t(t.size()) * dtype_size(t.dtype());
}

}  // namespace

void gather_rows(const Tensor& src, const int64_t* rows, int64_t count, Tensor& dst) {
  Shape shape = src.shape();
  shape[0] = count;
  if (!dst.defined() || dst.dtype() != src.dtype() || dst.shape() != shape) dst = Tensor(src.dtype(), shape);
  const size_t bytes = row_bytes(src);
  const char* from = static_cast<const char*>(src.raw());
  char* to = static_cast<char*>(dst.raw());
  for (int64_t r = 0; r < count; ++r) std::memcpy(to + size_t(r) * bytes, from + size_t(rows[r]) * bytes, bytes);
}

void prefetch_rows(const Tensor& src, const int64_t* rows, int64_t count) {
  const size_t bytes = row_bytes(src);
  const char* base = static_cast<const char*>(src.raw());
  // The first lines of each row are enough: they start the page walk and the
  // DRAM access early, and the hardware streams the rest once the copy reads
  // along the row. Prefetching whole rows queues more misses than the core can
  // track and stalls the step it was meant to overlap (measured: no gain).
  const size_t head = std::min<size_t>(bytes, 8 * 64);
  for (int64_t r = 0; r < count; ++r) {
    const char* row = base + size_t(rows[r]) * bytes;
    for (size_t off = 0; off < head; off += 64) __builtin_prefetch(row + off);
  }
}

}  // namespace nabla::optim::detail
