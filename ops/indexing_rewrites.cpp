// The indexing family's rewrites.
#include "core/registry.hpp"
#include "ops/elementwise_ops.hpp"
#include "ops/indexing_ops.hpp"

namespace nabla {

namespace {

// Canonicalize: subtensor(cast(x), bounds...) -> cast(subtensor(x, bounds...)).
// network3's T.cast(shared_y, "int32")[i*m:(i+1)*m] then converts the m labels
// of a mini-batch per call, not all 50,000.
Var slice_before_cast(const Var& v) {
  const Var& c = v.inputs()[0];
  if (!op_as<CastOp>(c)) return Var();
  std::vector<Var> ins = v.inputs();
  ins[0] = c.inputs()[0];
  const Var sliced = apply(v.node()->op, ins, v.loc());  // the same index spec, on x
  return apply(c.node()->op, {sliced}, v.loc());
}

}  // namespace

void register_indexing_rewrites() {
  register_rewrite(node_rewriter<SubtensorOp>(Phase::Canonicalize, "slice_before_cast", slice_before_cast));
}

}  // namespace nabla
