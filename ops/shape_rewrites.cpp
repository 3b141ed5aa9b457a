// The shape family's rewrites.
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/shape_ops.hpp"

namespace nabla {

namespace {

// Canonicalize: shape_i(x, axis) of a dim known statically is a constant, so
// shape arithmetic (mean's element count, reshape dims) folds before run time.
Var fold_static_shape(const Var& v) {
  const ShapeIOp* op = op_as<ShapeIOp>(v);
  const int64_t n = v.inputs()[0].shape()[op->axis()];
  if (n < 0) return Var();
  return constant(double(n), DType::Int64, v.loc());
}

}  // namespace

void register_shape_rewrites() {
  register_rewrite(node_rewriter<ShapeIOp>(Phase::Canonicalize, "shape_fold", fold_static_shape));
}

}  // namespace nabla
