// The convolution family's op class that rewrites match by type, and the
// builders of the fused conv-pool ops the rewrites in ops/conv_rewrites.cpp
// make (kernels in ops/conv.cpp).
#pragma once
#include <vector>

#include "core/error.hpp"
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

// conv2d(input, filters) and pool_2d of it in one pass over the images, as the
// flat bundle [conv maps..., pooled maps...] (made by the Fuse-phase rewrite
// conv_pool, ops/conv_rewrites.cpp; no gradient), and either piece as a view of
// it (pooled = false: the conv maps (N,K,Ho,Wo); true: the pooled maps).
Var conv2d_pool_bundle(const Var& input, const Var& filters, const std::vector<int>& ws, bool ignore_border, bool flip,
                       Loc loc = Loc::current());
Var conv2d_pool_piece(const Var& bundle, const Var& input, const Var& filters, bool pooled, const std::vector<int>& ws,
                      bool ignore_border, bool flip, Loc loc = Loc::current());

}  // namespace nabla
