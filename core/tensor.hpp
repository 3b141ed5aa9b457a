// Tensor: a dense, contiguous, row-major block of one dtype with a shape.
// Copying a Tensor copies a handle (the buffer is shared); use copy() for a deep copy.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/dtype.hpp"
#include "core/shape.hpp"

namespace nabla {

// 64-byte aligned heap block. Every allocation is counted, so tests and plan
// statistics can show that a compiled function stops allocating after its first call.
class Buffer {
 public:
  explicit Buffer(size_t bytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  static uint64_t allocations();  // process-wide count of Buffer constructions
 private:
  void* data_;
  size_t bytes_;
};

class Tensor {
 public:
  Tensor() = default;
  // Uninitialized contents.
  Tensor(DType dtype, const Shape& shape);
  static Tensor zeros(DType dtype, const Shape& shape);
  static Tensor full(DType dtype, const Shape& shape, double value);
  template <class T> static Tensor from(const std::vector<T>& values, const Shape& shape);
  template <class T> static Tensor scalar(T value) { return from<T>({value}, Shape{}); }

  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return shape_.rank(); }
  int64_t size() const { return shape_.numel(); }
  size_t nbytes() const { return size_t(size()) * dtype_size(dtype_); }
  bool defined() const { return buf_ != nullptr; }

  template <class T> T* data() { return static_cast<T*>(raw()); }
  template <class T> const T* data() const { return static_cast<const T*>(raw()); }
  void* raw() { return buf_ ? static_cast<char*>(buf_->data()) + offset_ : nullptr; }
  const void* raw() const { return buf_ ? static_cast<const char*>(buf_->data()) + offset_ : nullptr; }

  // Value of element i (flat index) converted to double / int64, any dtype.
  double at(int64_t i) const;
  int64_t iat(int64_t i) const;
  void set(int64_t i, double v);
  double item() const;  // the one element of a size-1 tensor

  Tensor copy() const;
  Tensor astype(DType t) const;
  std::vector<double> to_vector() const;
  template <class T> std::vector<T> values() const {
    std::vector<T> out(static_cast<size_t>(size()));
    for (int64_t i = 0; i < size(); ++i) out[size_t(i)] = static_cast<T>(at(i));
    return out;
  }
  // Copies `src` into this tensor's buffer; shapes and dtypes must agree.
  void copy_from(const Tensor& src);

  // Low-level: give this tensor the buffer, dtype and shape (no allocation),
  // starting at the buffer's first byte.
  void bind(std::shared_ptr<Buffer> buf, DType dtype, const Shape& shape) {
    buf_ = std::move(buf);
    dtype_ = dtype;
    shape_ = shape;
    offset_ = 0;
  }
  // A tensor over the same bytes: `shape` elements starting `first` elements
  // into this one (no copy; writes go through to this tensor's memory).
  Tensor view(const Shape& shape, int64_t first = 0) const {
    Tensor t;
    t.buf_ = buf_;
    t.dtype_ = dtype_;
    t.shape_ = shape;
    t.offset_ = offset_ + size_t(first) * dtype_size(dtype_);
    return t;
  }
  // Bytes from the start of the buffer to element 0 (non-zero for views).
  size_t byte_offset() const { return offset_; }
  const std::shared_ptr<Buffer>& buffer() const { return buf_; }

 private:
  DType dtype_ = DType::Float32;
  Shape shape_;
  std::shared_ptr<Buffer> buf_;
  size_t offset_ = 0;
};

// Shared by templates above; defined in tensor.cpp.
[[noreturn]] void throw_size_mismatch(size_t n, const Shape& shape);

template <class T> Tensor Tensor::from(const std::vector<T>& values, const Shape& shape) {
  Tensor t(dtype_of<T>::value, shape);
  if (int64_t(values.size()) != t.size()) throw_size_mismatch(values.size(), shape);
  T* p = t.data<T>();
  for (size_t i = 0; i < values.size(); ++i) p[i] = values[i];
  return t;
}

bool allclose(const Tensor& a, const Tensor& b, double rtol = 1e-5, double atol = 1e-8);

}  // namespace nabla
