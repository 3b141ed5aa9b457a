// The shape family's op classes that rewrites match by type, with their typed
// attributes. The kernels stay private in ops/shape.cpp.
#pragma once
#include <cstdint>
#include <vector>

#include "core/op.hpp"

namespace nabla {

// shape_i(x): x.shape[axis()] as an int64 scalar (axis() is non-negative).
class ShapeIOp : public Op {
 public:
  bool reads_input_values(int) const override { return false; }
  int axis() const { return axis_; }

 protected:
  explicit ShapeIOp(int axis) : axis_(axis) {}

 private:
  int axis_;
};

// reshape(x, dims...): pattern() has one entry per output dim: a size, -1
// (inferred from the others) or kFromInput (the next dim input, in order).
class ReshapeOp : public Op {
 public:
  static constexpr int64_t kFromInput = -2;
  const std::vector<int64_t>& pattern() const { return pattern_; }

 protected:
  explicit ReshapeOp(std::vector<int64_t> pattern) : pattern_(std::move(pattern)) {}

 private:
  std::vector<int64_t> pattern_;
};

// dimshuffle(x): output axis j is x's axis pattern()[j], or a new size-1 axis
// where the entry is `bcast`; x's axes missing from the pattern are dropped.
class DimshuffleOp : public Op {
 public:
  const std::vector<int>& pattern() const { return pattern_; }
  // (1, 0): the two axes of a matrix swapped.
  bool swaps_two_axes() const { return pattern_.size() == 2 && pattern_[0] == 1 && pattern_[1] == 0; }

 protected:
  explicit DimshuffleOp(std::vector<int> pattern) : pattern_(std::move(pattern)) {}

 private:
  std::vector<int> pattern_;
};

// arange(start, stop, step): int64 values start, start+step, ... before stop;
// the three bounds are its inputs.
class ArangeOp : public Op {
 protected:
  ArangeOp() = default;
};

}  // namespace nabla
