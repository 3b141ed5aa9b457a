// Row slices of data tensors for experiments that need a fixed subset of MNIST
// (the first 1,000 training images, one example at a time, ...).
#pragma once
#include <cstdint>
#include <cstring>

#include "nabla.hpp"

namespace book {

// A copy of rows [begin, begin + count) of a tensor whose first axis is the example.
inline nabla::Tensor rows(const nabla::Tensor& t, int64_t begin, int64_t count) {
  nabla::Shape shape = t.shape();
  const int64_t row = t.size() / shape[0];
  shape[0] = count;
  nabla::Tensor out(t.dtype(), shape);
  const size_t bytes = nabla::dtype_size(t.dtype());
  std::memcpy(out.raw(), static_cast<const char*>(t.raw()) + size_t(begin * row) * bytes, size_t(count * row) * bytes);
  return out;
}

// Row i as a tensor without the first axis: one example (784,) for vector code.
inline nabla::Tensor row(const nabla::Tensor& t, int64_t i) {
  nabla::Tensor r = rows(t, i, 1);
  nabla::Shape shape = t.shape();
  shape.erase(0);
  return r.view(shape);  // the same bytes, one axis fewer
}

}  // namespace book
