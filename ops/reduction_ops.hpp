// The reduction family's op classes that rewrites match by type (kernels in
// ops/reductions.cpp).
#pragma once
#include <vector>

#include "core/op.hpp"

namespace nabla {

enum class ReduceKind { Sum, Max, Min };

// sum / max / min over axes(): non-negative, sorted and unique whenever they
// were valid for the input's rank (reductions.cpp canonicalizes them).
class ReduceOp : public Op {
 public:
  ReduceKind kind() const { return kind_; }
  const std::vector<int>& axes() const { return axes_; }
  bool keepdims() const { return keepdims_; }
  // Whether this reduces exactly the last axis of a rank-`rank` input.
  bool reduces_only_last_axis(int rank) const { return axes_.size() == 1 && axes_[0] == rank - 1; }

 protected:
  ReduceOp(ReduceKind kind, std::vector<int> axes, bool keepdims)
      : kind_(kind), axes_(std::move(axes)), keepdims_(keepdims) {}

 private:
  ReduceKind kind_;
  std::vector<int> axes_;
  bool keepdims_;
};

}  // namespace nabla
