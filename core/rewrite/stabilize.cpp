// Stabilize: replace expressions that lose precision or overflow by stable ones.
#include "core/op.hpp"
#include "core/rewrite/legacy.hpp"
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
  if (!is_op(one, "fill_like") || one.op()->params().rfind("value=1,", 0) != 0) return false;
  const Var& ref = one.inputs()[0];
  return ref.same(s) || ref.same(s.inputs()[0]);
}

// log(1 - sigmoid(x)) -> -softplus(x), also log1p(-sigmoid(x)): 1 - sigmoid(x)
// rounds to 0 once x > 17 in float32, and its log is then -inf.
Var log_of_one_minus_sigmoid(const Var& v) {
  Var s;
  if (is_op(v, "log") && is_op(v.inputs()[0], "sub")) {
    const Var& diff = v.inputs()[0];
    if (is_op(diff.inputs()[1], "sigmoid") && is_ones_against(diff.inputs()[0], diff.inputs()[1]))
      s = diff.inputs()[1];
  } else if (is_op(v, "log1p") && is_op(v.inputs()[0], "neg") && is_op(v.inputs()[0].inputs()[0], "sigmoid")) {
    s = v.inputs()[0].inputs()[0];
  }
  if (!s.defined() || s.dtype() != v.dtype()) return Var();
  return neg(softplus(s.inputs()[0], v.loc()), v.loc());
}

}  // namespace

std::vector<LocalRewrite> stabilize_rewrites() {
  return {{"log_softmax", log_of_softmax},
          {"log_sigmoid", log_of_sigmoid},
          {"log_one_minus_sigmoid", log_of_one_minus_sigmoid}};
}

}  // namespace nabla
