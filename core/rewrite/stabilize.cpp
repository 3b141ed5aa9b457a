// Stabilize: replace expressions that lose precision or overflow by stable ones.
#include "core/op.hpp"
#include "core/rewrite/rewrite.hpp"
#include "ops/api.hpp"

namespace nabla {

namespace {

bool is_op(const Var& v, const char* name) { return !v.is_leaf() && v.op()->name() == name; }

// log(softmax(x)) -> log_softmax(x): no log(0) when a softmax output underflows.
Var log_of_softmax(const Var& v) {
  if (!is_op(v, "log") || !is_op(v.inputs()[0], "softmax")) return Var();
  return log_softmax(v.inputs()[0].inputs()[0], v.loc());
}

// log(sigmoid(x)) -> -softplus(-x): finite for very negative x.
Var log_of_sigmoid(const Var& v) {
  if (!is_op(v, "log") || !is_op(v.inputs()[0], "sigmoid")) return Var();
  const Var& x = v.inputs()[0].inputs()[0];
  return neg(softplus(neg(x, v.loc()), v.loc()), v.loc());
}

}  // namespace

std::vector<LocalRewrite> stabilize_rewrites() {
  return {{"log_softmax", log_of_softmax}, {"log_sigmoid", log_of_sigmoid}};
}

}  // namespace nabla
