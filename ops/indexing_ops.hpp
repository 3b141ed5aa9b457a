// The indexing family's op classes that rewrites match by type (kernels in
// ops/indexing.cpp). Their index specs stay private: a rewrite that moves a
// subtensor re-applies the node's own op to new inputs.
#pragma once
#include "core/op.hpp"

namespace nabla {

// subtensor(x, bounds...): x[start:stop:step, i, ...]; inputs after x are the
// symbolic bounds, in order.
class SubtensorOp : public Op {
 protected:
  SubtensorOp() = default;
};

// take2d(x, rows, cols): x[rows[k], cols[k]] for integer vectors.
class Take2dOp : public Op {
 protected:
  Take2dOp() = default;
};

// inc_take2d(x, rows, cols, y): a copy of x with x[rows[k], cols[k]] += y[k].
class IncTake2dOp : public Op {
 protected:
  IncTake2dOp() = default;
};

}  // namespace nabla
