// Canonicalize: fold what is known before the program runs.
#include "core/op.hpp"
#include "core/rewrite/legacy.hpp"
#include "core/runtime.hpp"

namespace nabla {

namespace {

// shape_i of a dim known statically is a constant; the op reads only the shape,
// so it runs on a tensor that has a shape and no data.
Var fold_static_shape(const Var& v) {
  if (v.op()->name() != "shape_i" || v.inputs().size() != 1) return Var();
  const Var& x = v.inputs()[0];
  if (!x.shape().known()) return Var();
  Tensor shape_only;
  shape_only.bind(nullptr, x.dtype(), x.shape());
  const Tensor* in = &shape_only;
  Tensor out(v.dtype(), v.shape());
  v.op()->perform(&in, 1, out);
  return constant(out, v.name(), v.loc());
}

// subtensor(cast(x), bounds...) -> cast(subtensor(x, bounds...)): network3's
// T.cast(shared_y, "int32")[i*m:(i+1)*m] then converts m labels per call, not all
// 50,000. Same for take2d-free row slices of any elementwise cast.
Var slice_before_cast(const Var& v) {
  if (v.op()->name() != "subtensor" || v.inputs().empty()) return Var();
  const Var& c = v.inputs()[0];
  if (c.is_leaf() || c.op()->name() != "cast" || c.inputs().size() != 1) return Var();
  std::vector<Var> ins = v.inputs();
  ins[0] = c.inputs()[0];
  Var sliced = apply(v.node()->op, ins, v.loc());
  return apply(c.node()->op, {sliced}, v.loc());
}

}  // namespace

std::vector<LocalRewrite> canonicalize_rewrites() {
  return {{"shape_fold", fold_static_shape}, {"slice_before_cast", slice_before_cast}};
}

}  // namespace nabla
