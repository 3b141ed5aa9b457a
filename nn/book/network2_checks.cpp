// Checking data sets and copying their labels (one-hot rows or int32) for evaluation.
#include <algorithm>
#include <cstring>

#include "core/error.hpp"
#include "nn/book/network2_internal.hpp"

namespace nabla::nn {

namespace {

int64_t row_index(const int64_t* rows, int64_t first, int64_t r) { return rows ? rows[r] : first + r; }

void ensure_shape(Tensor& dst, DType dtype, const Shape& shape) {
  if (!dst.defined() || dst.dtype() != dtype || dst.shape() != shape) dst = Tensor(dtype, shape);
}

template <class L> void one_hot_rows(const L* labels, const int64_t* rows, int64_t first, int64_t count,
                                     int64_t classes, float* out) {
  std::memset(out, 0, size_t(count * classes) * sizeof(float));
  for (int64_t r = 0; r < count; ++r) out[r * classes + int64_t(labels[row_index(rows, first, r)])] = 1.0f;
}

template <class L> void label_rows(const L* labels, const int64_t* rows, int64_t first, int64_t count,
                                   int32_t* out) {
  for (int64_t r = 0; r < count; ++r) out[r] = int32_t(labels[row_index(rows, first, r)]);
}

}  // namespace

namespace detail {

void check_split(const Split& data, int64_t n_in, int64_t n_classes, const std::string& what) {
  const std::string expected = "float32 (n, " + std::to_string(n_in) + ")";
  if (!data.x.defined()) throw ValueError("nabla: " + what + ": x is empty; expected " + expected + " images");
  if (data.x.dtype() != DType::Float32 || data.x.rank() != 2 || data.x.shape()[1] != n_in)
    throw ShapeError("nabla: " + what + ": x is " + dtype_name(data.x.dtype()) + data.x.shape().str() +
                     ", expected " + expected + " (the network's input layer has " + std::to_string(n_in) +
                     " neurons)");
  const int64_t n = data.x.shape()[0];
  if (n == 0) throw ValueError("nabla: " + what + " is empty (x has 0 rows)");
  if (!data.y.defined() || data.y.rank() != 1 || !is_integer(data.y.dtype()))
    throw TypeError("nabla: " + what + ": y must be a vector of integer labels (int32 or int64), got " +
                    (data.y.defined() ? std::string(dtype_name(data.y.dtype())) + data.y.shape().str() : "nothing"));
  if (data.y.shape()[0] != n)
    throw ShapeError("nabla: " + what + ": x has " + std::to_string(n) + " rows but y has " +
                     std::to_string(data.y.shape()[0]) + " labels");
  for (int64_t i = 0; i < n; ++i) {
    const int64_t label = data.y.iat(i);
    if (label < 0 || label >= n_classes)
      throw ValueError("nabla: " + what + ": label y[" + std::to_string(i) + "] = " + std::to_string(label) +
                       " is outside 0.." + std::to_string(n_classes - 1) + " (the output layer has " +
                       std::to_string(n_classes) + " neurons)");
  }
}

void gather_one_hot(const Tensor& labels, const int64_t* rows, int64_t first, int64_t count, int64_t classes,
                    Tensor& dst) {
  ensure_shape(dst, DType::Float32, Shape{count, classes});
  if (labels.dtype() == DType::Int32) one_hot_rows(labels.data<int32_t>(), rows, first, count, classes, dst.data<float>());
  else one_hot_rows(labels.data<int64_t>(), rows, first, count, classes, dst.data<float>());
}

void gather_labels(const Tensor& labels, const int64_t* rows, int64_t first, int64_t count, Tensor& dst) {
  ensure_shape(dst, DType::Int32, Shape{count});
  if (labels.dtype() == DType::Int32) label_rows(labels.data<int32_t>(), rows, first, count, dst.data<int32_t>());
  else label_rows(labels.data<int64_t>(), rows, first, count, dst.data<int32_t>());
}

}  // namespace detail

Tensor one_hot(const Tensor& labels, int64_t classes) {
  if (!labels.defined() || labels.rank() != 1 || !is_integer(labels.dtype()))
    throw TypeError("nabla: one_hot needs a vector of integer labels, got " +
                    (labels.defined() ? std::string(dtype_name(labels.dtype())) + labels.shape().str() : "nothing"));
  if (classes <= 0) throw ValueError("nabla: one_hot: classes must be positive, got " + std::to_string(classes));
  for (int64_t i = 0; i < labels.size(); ++i)
    if (labels.iat(i) < 0 || labels.iat(i) >= classes)
      throw ValueError("nabla: one_hot: label [" + std::to_string(i) + "] = " + std::to_string(labels.iat(i)) +
                       " is outside 0.." + std::to_string(classes - 1));
  Tensor out;
  detail::gather_one_hot(labels, nullptr, 0, labels.size(), classes, out);
  return out;
}

}  // namespace nabla::nn
