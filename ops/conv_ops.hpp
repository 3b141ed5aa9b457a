// The convolution family's op class that rewrites match by type (kernels in
// ops/conv.cpp, the rewrite that fuses max pooling's gradient into the two
// conv gradients in ops/conv_rewrites.cpp).
#pragma once
#include "core/op.hpp"

namespace nabla {

enum class ConvKind { Forward, GradInput, GradFilters };

// conv2d (Forward), conv2d_grad_input (GradInput), conv2d_grad_filters (GradFilters).
class ConvFamilyOp : public Op {
 public:
  ConvKind kind() const { return kind_; }
  bool flip() const { return flip_; }

 protected:
  ConvFamilyOp(ConvKind kind, bool flip) : kind_(kind), flip_(flip) {}

 private:
  ConvKind kind_;
  bool flip_;
};

}  // namespace nabla
