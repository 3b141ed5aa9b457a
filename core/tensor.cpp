#include "core/tensor.hpp"

#include <unistd.h>

#include <cstdint>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/dispatch.hpp"
#include "core/error.hpp"

namespace nabla {

namespace {
std::atomic<uint64_t> g_allocations{0};
constexpr size_t kAlign = 64;
}  // namespace

namespace {
// Physical memory: a buffer larger than this can never be used, and with
// overcommit the allocation might succeed only for the process to be killed
// when the pages are touched. Refuse it up front.
size_t physical_memory_bytes() {
  static const size_t bytes = [] {
    const long pages = ::sysconf(_SC_PHYS_PAGES), size = ::sysconf(_SC_PAGE_SIZE);
    return pages > 0 && size > 0 ? size_t(pages) * size_t(size) : SIZE_MAX;
  }();
  return bytes;
}
}  // namespace

Buffer::Buffer(size_t bytes) : bytes_(bytes) {
  if (bytes > physical_memory_bytes())
    throw MemoryError("nabla: cannot allocate " + std::to_string(bytes) + " bytes: more than this machine's " +
                      std::to_string(physical_memory_bytes() >> 20) + " MB of memory");
  size_t rounded = (bytes + kAlign - 1) / kAlign * kAlign;
  data_ = bytes > size_t(INT64_MAX) ? nullptr : std::aligned_alloc(kAlign, rounded == 0 ? kAlign : rounded);
  if (!data_) throw MemoryError("nabla: cannot allocate " + std::to_string(bytes) + " bytes");
  ++g_allocations;
}
Buffer::~Buffer() { std::free(data_); }
uint64_t Buffer::allocations() { return g_allocations.load(); }

void throw_size_mismatch(size_t n, const Shape& shape) {
  throw ShapeError("nabla: " + std::to_string(n) + " values cannot fill a tensor of shape " +
                   shape.str());
}

Tensor::Tensor(DType dtype, const Shape& shape) : dtype_(dtype), shape_(shape) {
  if (!shape.known())
    throw ShapeError("nabla: cannot allocate a tensor of unknown shape " + shape.str());
  size_t bytes = 0;
  if (__builtin_mul_overflow(size_t(shape.numel()), dtype_size(dtype), &bytes))
    throw MemoryError("nabla: a " + std::string(dtype_name(dtype)) + " tensor of shape " + shape.str() +
                      " needs more bytes than fit in 64 bits");
  try {
    buf_ = std::make_shared<Buffer>(bytes);
  } catch (const MemoryError&) {
    throw MemoryError("nabla: cannot allocate a " + std::string(dtype_name(dtype)) + " tensor of shape " +
                      shape.str() + " (" + std::to_string(bytes) + " bytes)");
  }
}

Tensor Tensor::zeros(DType dtype, const Shape& shape) {
  Tensor t(dtype, shape);
  std::memset(t.raw(), 0, t.nbytes());
  return t;
}

Tensor Tensor::full(DType dtype, const Shape& shape, double value) {
  Tensor t(dtype, shape);
  dispatch(dtype, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.data<T>();
    for (int64_t i = 0; i < t.size(); ++i) p[i] = static_cast<T>(value);
  });
  return t;
}

double Tensor::at(int64_t i) const {
  return dispatch(dtype_, [&](auto tag) -> double {
    using T = typename decltype(tag)::type;
    return static_cast<double>(data<T>()[i]);
  });
}

int64_t Tensor::iat(int64_t i) const {
  return dispatch(dtype_, [&](auto tag) -> int64_t {
    using T = typename decltype(tag)::type;
    return static_cast<int64_t>(data<T>()[i]);
  });
}

void Tensor::set(int64_t i, double v) {
  dispatch(dtype_, [&](auto tag) {
    using T = typename decltype(tag)::type;
    data<T>()[i] = static_cast<T>(v);
  });
}

double Tensor::item() const {
  if (size() != 1)
    throw ValueError("nabla: item() needs a tensor with one element, got shape " + shape_.str());
  return at(0);
}

Tensor Tensor::copy() const {
  Tensor t(dtype_, shape_);
  if (nbytes()) std::memcpy(t.raw(), raw(), nbytes());
  return t;
}

Tensor Tensor::astype(DType to) const {
  Tensor t(to, shape_);
  dispatch(dtype_, [&](auto from_tag) {
    using F = typename decltype(from_tag)::type;
    dispatch(to, [&](auto to_tag) {
      using T = typename decltype(to_tag)::type;
      const F* s = data<F>();
      T* d = t.data<T>();
      for (int64_t i = 0; i < size(); ++i) d[i] = static_cast<T>(s[i]);
    });
  });
  return t;
}

std::vector<double> Tensor::to_vector() const {
  std::vector<double> v(static_cast<size_t>(size()));
  for (int64_t i = 0; i < size(); ++i) v[size_t(i)] = at(i);
  return v;
}

void Tensor::copy_from(const Tensor& src) {
  if (src.dtype() != dtype_ || src.shape() != shape_)
    throw ShapeError(std::string("nabla: copy_from: cannot copy ") + dtype_name(src.dtype()) +
                     src.shape().str() + " into " + dtype_name(dtype_) + shape_.str());
  if (raw() != src.raw() && nbytes()) std::memcpy(raw(), src.raw(), nbytes());
}

bool allclose(const Tensor& a, const Tensor& b, double rtol, double atol) {
  if (a.shape() != b.shape()) return false;
  for (int64_t i = 0; i < a.size(); ++i) {
    double x = a.at(i), y = b.at(i);
    if (std::isnan(x) || std::isnan(y)) {
      if (!(std::isnan(x) && std::isnan(y))) return false;
      continue;
    }
    if (std::isinf(x) || std::isinf(y)) {
      if (x != y) return false;
      continue;
    }
    if (std::fabs(x - y) > atol + rtol * std::fabs(y)) return false;
  }
  return true;
}

}  // namespace nabla
