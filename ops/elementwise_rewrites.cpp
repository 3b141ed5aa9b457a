// The elementwise family's stabilizing rewrites: logs of sigmoids, which lose
// everything once the sigmoid saturates, become softplus forms that stay finite.
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/broadcast_ops.hpp"
#include "ops/elementwise_ops.hpp"

namespace nabla {

namespace {

// log(sigmoid(x)) -> -softplus(-x): finite for very negative x.
Var log_of_sigmoid(const Var& v) {
  if (!is_unary(v, UnaryFn::Log) || !is_unary(v.inputs()[0], UnaryFn::Sigmoid)) return Var();
  const Var& x = v.inputs()[0].inputs()[0];
  return neg(softplus(neg(x, v.loc()), v.loc()), v.loc());
}

// `one` is 1 everywhere and broadcasting it against s leaves s's shape: a
// constant of ones with no dim above 1 and no more axes than s, or
// fill_like(s or x, 1) for s = sigmoid(x).
bool is_ones_against(const Var& one, const Var& s) {
  if (one.role() == Role::Constant) {
    if (one.rank() > s.rank()) return false;
    for (int64_t d : one.shape())
      if (d != 1) return false;
    return one.value_ref().at(0) == 1.0;
  }
  const FillLikeOp* fill = op_as<FillLikeOp>(one);
  if (!fill || fill->value() != 1.0) return false;
  const Var& ref = one.inputs()[0];
  return ref.same(s) || ref.same(s.inputs()[0]);
}

// log(1 - sigmoid(x)) -> -softplus(x), also log1p(-sigmoid(x)): 1 - sigmoid(x)
// rounds to 0 once x > 17 in float32, and its log is then -inf.
Var log_of_one_minus_sigmoid(const Var& v) {
  Var s;
  if (is_unary(v, UnaryFn::Log) && is_binary(v.inputs()[0], BinaryFn::Sub)) {
    const Var& diff = v.inputs()[0];
    if (is_unary(diff.inputs()[1], UnaryFn::Sigmoid) && is_ones_against(diff.inputs()[0], diff.inputs()[1]))
      s = diff.inputs()[1];
  } else if (is_unary(v, UnaryFn::Log1p) && is_unary(v.inputs()[0], UnaryFn::Neg) &&
             is_unary(v.inputs()[0].inputs()[0], UnaryFn::Sigmoid)) {
    s = v.inputs()[0].inputs()[0];
  }
  if (!s.defined() || s.dtype() != v.dtype()) return Var();
  return neg(softplus(s.inputs()[0], v.loc()), v.loc());
}

}  // namespace

void register_elementwise_rewrites() {
  register_rewrite(node_rewriter<UnaryOp>(Phase::Stabilize, "log_sigmoid", log_of_sigmoid));
  register_rewrite(node_rewriter<UnaryOp>(Phase::Stabilize, "log_one_minus_sigmoid", log_of_one_minus_sigmoid));
}

}  // namespace nabla
