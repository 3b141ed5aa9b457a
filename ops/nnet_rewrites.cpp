// Stabilize the negative log-likelihood of a softmax, the book's cost
// -mean(log(softmax(z))[arange(n), y]), forward and backward. grad() ran on the
// naive graph, so both halves are matched here:
//   forward   take2d(log_softmax(z), 0..n-1, y)          -> -softmax_xent(z, y)
//             (the log_softmax rule has already made log(softmax(z)) a log_softmax(z))
//   backward  softmax'(s)^T (G / s), s = softmax(z)      -> G - s * sum(G)
//             which is NaN in the naive form wherever s underflows to 0, and
//             with G the one-hot scatter inc_take2d(0, 0..n-1, y, gv) of the
//             cost's gradient                            -> softmax_xent_grad(z, y, -gv)
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/broadcast_ops.hpp"
#include "ops/elementwise_ops.hpp"
#include "ops/indexing_ops.hpp"
#include "ops/nnet_ops.hpp"
#include "ops/reduction_ops.hpp"
#include "ops/shape_ops.hpp"

namespace nabla {

namespace {

bool is_softmax(const Var& v) {
  const SoftmaxOp* op = op_as<SoftmaxOp>(v);
  return op && !op->is_log();
}

bool is_log_softmax(const Var& v) {
  const SoftmaxOp* op = op_as<SoftmaxOp>(v);
  return op && op->is_log();
}

bool is_int_constant(const Var& v, int64_t value) {
  return v.role() == Role::Constant && is_integer(v.dtype()) && v.value_ref().size() == 1 &&
         v.value_ref().iat(0) == value;
}

// shape_i(x, axis) of this very x.
bool is_shape_of(const Var& v, const Var& x, int axis) {
  const ShapeIOp* op = op_as<ShapeIOp>(v);
  return op && v.inputs()[0].same(x) && op->axis() == axis;
}

// A constant vector 0, 1, ..., n-1 (what constant folding makes of arange(n)).
bool is_constant_iota(const Var& v) {
  if (v.role() != Role::Constant || !is_integer(v.dtype()) || v.rank() != 1) return false;
  const Tensor& t = v.value_ref();
  for (int64_t i = 0; i < t.size(); ++i)
    if (t.iat(i) != i) return false;
  return true;
}

// The logits softmax_xent(·, y) must see so that it computes exactly what
// take2d(log_softmax(z), rows, y) does, or undefined when `rows` is not
// 0..m-1. take2d already requires len(rows) == len(y); softmax_xent requires
// rows(z) == len(y). When that is not known it takes z[0:len(y)], which
// equals z whenever the naive expression is valid.
Var matching_logits(const Var& z, const Var& rows, const Var& y) {
  if (is_constant_iota(rows)) {
    const int64_t m = rows.shape()[0];
    return z.shape()[0] == m ? z : slice(z, 0, m);
  }
  if (!op_as<ArangeOp>(rows)) return Var();
  const auto& b = rows.inputs();  // start, stop, step
  if (!is_int_constant(b[0], 0) || !is_int_constant(b[2], 1)) return Var();
  const Var& stop = b[1];
  const int64_t m = rows.shape()[0], n = z.shape()[0];
  if (is_shape_of(stop, z, 0) || (m >= 0 && m == n)) return z;
  if (is_shape_of(stop, y, 0)) return slice(z, 0, stop);
  if (op_as<ClassLabelsOp>(y) && is_shape_of(stop, y.inputs()[0], 0)) return slice(z, 0, stop);
  return Var();  // a symbolic length unrelated to z or y: leave it
}

// take2d(log_softmax(z), 0..n-1, y) -> -softmax_xent(z, y).
Var fused_xent(const Var& v) {
  const Var &ls = v.inputs()[0], &rows = v.inputs()[1], &y = v.inputs()[2];
  if (!is_log_softmax(ls) || ls.rank() != 2) return Var();
  const Var zz = matching_logits(ls.inputs()[0], rows, y);
  if (!zz.defined()) return Var();
  return neg(softmax_xent_indexing(zz, y, v.loc()), v.loc());
}

// sum(x, axis=-1, keepdims=True)
bool is_sum_last_keepdims(const Var& v) {
  const ReduceOp* op = op_as<ReduceOp>(v);
  return op && op->kind() == ReduceKind::Sum && op->keepdims() &&
         op->reduces_only_last_axis(v.inputs()[0].rank());
}

bool is_zero_fill(const Var& v) {
  const FillLikeOp* op = op_as<FillLikeOp>(v);
  return op && op->value() == 0.0;
}

// mul(a, b) in either order with `first` matching a.
template <class F>
bool mul_of(const Var& v, F&& first, Var& a, Var& b) {
  if (!is_binary(v, BinaryFn::Mul)) return false;
  for (int k = 0; k < 2; ++k) {
    a = v.inputs()[size_t(k)];
    b = v.inputs()[size_t(1 - k)];
    if (first(a, b)) return true;
  }
  return false;
}

// v = (D - sum(D * s, -1, keepdims)) * s with D = G / s and s = softmax(z): the
// softmax pullback applied to log's pullback. Sets G and s.
bool match_softmax_grad_of_log(const Var& v, Var& G, Var& s) {
  Var diff, sm;
  auto fits = [&](const Var& a, const Var& b) {
    if (!is_softmax(b) || !is_binary(a, BinaryFn::Sub)) return false;
    const Var &D = a.inputs()[0], &red = a.inputs()[1];
    if (!is_binary(D, BinaryFn::Div) || !D.inputs()[1].same(b) || !is_sum_last_keepdims(red)) return false;
    Var p, q;
    return mul_of(red.inputs()[0], [&](const Var& x, const Var& y) { return x.same(D) && y.same(b); }, p, q);
  };
  if (!mul_of(v, fits, diff, sm)) return false;
  G = diff.inputs()[0].inputs()[0];
  s = sm;
  return true;
}

// The zero matrix under the one-hot scatter G, if it is shaped like z by construction.
bool zero_fill_like_logits(const Var& zeros, const Var& z, const Var& s) {
  // With z's static shape the fill was already folded into a constant of zeros.
  if (zeros.role() == Role::Constant && z.shape().known() && zeros.shape() == z.shape() &&
      zeros.dtype() == z.dtype()) {
    const Tensor& t = zeros.value_ref();
    for (int64_t i = 0; i < t.size(); ++i)
      if (t.at(i) != 0.0) return false;
    return true;
  }
  if (!is_zero_fill(zeros)) return false;
  const Var& x = zeros.inputs()[0];
  const bool log_of_z = (is_log_softmax(x) || is_unary(x, UnaryFn::Log)) && x.inputs()[0].same(z);
  return x.same(z) || x.same(s) || log_of_z || (is_unary(x, UnaryFn::Log) && x.inputs()[0].same(s));
}

Var stable_softmax_grad(const Var& v) {
  Var G, s;
  if (!match_softmax_grad_of_log(v, G, s)) return Var();
  const Var& z = s.inputs()[0];
  bool shaped_like_s = G.shape() == s.shape() && G.shape().known();
  if (op_as<IncTake2dOp>(G) && s.rank() == 2) {
    const auto& in = G.inputs();  // zeros, rows, y, gv
    if (zero_fill_like_logits(in[0], z, s)) {
      const Var zz = matching_logits(z, in[1], in[2]);
      if (zz.defined() && zz.same(z)) return softmax_xent_grad_indexing(z, in[2], neg(in[3], v.loc()), v.loc());
      // Not provably one label per row: keep the scatter, but over zeros shaped
      // from s, so the forward's log_softmax is not kept alive for its shape.
      G = inc_take2d(zeros_like(s, v.loc()), in[1], in[2], in[3], v.loc());
      shaped_like_s = true;
    }
  }
  // G / s broadcast G; sum(G) must run over the broadcast shape (gradients from
  // grad() always have s's shape, but the pattern may have been written by hand).
  if (!shaped_like_s) G = broadcast_like(G, s, v.loc());
  return sub(G, mul(s, sum(G, Axes(-1), true, v.loc()), v.loc()), v.loc());
}

// log(softmax(x)) -> log_softmax(x): no log(0) when a softmax output underflows.
Var log_of_softmax(const Var& v) {
  if (!is_unary(v, UnaryFn::Log) || !is_softmax(v.inputs()[0])) return Var();
  return log_softmax(v.inputs()[0].inputs()[0], v.loc());
}

}  // namespace

void register_nnet_rewrites() {
  register_rewrite(node_rewriter<UnaryOp>(Phase::Stabilize, "log_softmax", log_of_softmax));
  register_rewrite(node_rewriter<Take2dOp>(Phase::Stabilize, "softmax_xent", fused_xent));
  register_rewrite(node_rewriter<BinaryOp>(Phase::Stabilize, "softmax_grad_of_log", stable_softmax_grad));
}

}  // namespace nabla
