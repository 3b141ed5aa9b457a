// The broadcast family's op classes that rewrites match by type. The kernels
// stay private in ops/broadcast.cpp; these bases carry the typed attributes.
#pragma once
#include "core/op.hpp"

namespace nabla {

// fill_like(x, value): x's shape, every element value(), of dtype().
class FillLikeOp : public Op {
 public:
  double value() const { return value_; }
  DType dtype() const { return dtype_; }
  bool reads_input_values(int) const override { return false; }

 protected:
  FillLikeOp(double value, DType dtype) : value_(value), dtype_(dtype) {}

 private:
  double value_;
  DType dtype_;
};

}  // namespace nabla
