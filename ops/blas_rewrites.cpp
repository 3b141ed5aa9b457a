// The blas family's rewrites (Specialize: cheaper kernels for the same value).
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/blas_ops.hpp"
#include "ops/elementwise_ops.hpp"
#include "ops/gemm_acc.hpp"
#include "ops/shape_ops.hpp"

namespace nabla {

namespace {

// A matrix with its two axes swapped.
bool is_matrix_transpose(const Var& v) {
  const DimshuffleOp* d = op_as<DimshuffleOp>(v);
  return d && d->swaps_two_axes() && v.inputs()[0].rank() == 2;
}

// matmul(transpose(A), B) -> matmul(A, B, trans_a): GEMM reads A transposed, no copy.
Var matmul_of_transpose(const Var& v) {
  const MatmulOp* m = op_as<MatmulOp>(v);
  const Var &a = v.inputs()[0], &b = v.inputs()[1];
  const bool ta = is_matrix_transpose(a), tb = is_matrix_transpose(b);
  if (!ta && !tb) return Var();
  return matmul(ta ? a.inputs()[0] : a, tb ? b.inputs()[0] : b, m->trans_a() != ta, m->trans_b() != tb, v.loc());
}

// c - s * matmul(a, b)  ->  gemm_acc(c, -s, a, b)   (also c + s*M, M*s, and a bare M)
// An SGD-style update then costs one copy of c and one GEMM with beta = 1
// instead of a GEMM plus two passes over c. If the product had other users it
// is computed twice; in training graphs the weight gradient feeds only its update.
Var update_as_gemm(const Var& v) {
  const bool is_sub = is_binary(v, BinaryFn::Sub), is_add = is_binary(v, BinaryFn::Add);
  if (!is_sub && !is_add) return Var();
  for (int side = 0; side < (is_add ? 2 : 1); ++side) {
    const Var& c = v.inputs()[size_t(side)];
    const Var& t = v.inputs()[size_t(1 - side)];
    if (c.rank() != 2 || !is_float(c.dtype()) || c.dtype() != v.dtype() || c.shape() != v.shape()) continue;
    Var s, m;
    if (op_as<MatmulOp>(t)) {
      m = t;
    } else if (is_binary(t, BinaryFn::Mul)) {
      const Var &x = t.inputs()[0], &y = t.inputs()[1];
      if (x.rank() == 0 && op_as<MatmulOp>(y)) s = x, m = y;
      else if (y.rank() == 0 && op_as<MatmulOp>(x)) s = y, m = x;
    }
    if (!m.defined() || m.dtype() != c.dtype() || (s.defined() && s.dtype() != c.dtype())) continue;
    Var alpha = s.defined() ? s : constant(1.0, c.dtype(), v.loc());
    if (is_sub) alpha = neg(alpha, v.loc());
    const MatmulOp* product = op_as<MatmulOp>(m);
    return gemm_acc(c, alpha, m.inputs()[0], m.inputs()[1], product->trans_a(), product->trans_b(), v.loc());
  }
  return Var();
}

// gemm_acc(c * s, alpha, a, b) -> gemm_acc(c, alpha, a, b, beta = s) for a scalar
// s: network2's L2 step (1 - eta lmbda / n) w - eta dC/dw then reads and writes w
// once, inside the GEMM, instead of a pass to scale w and a copy.
Var scale_into_gemm_beta(const Var& v) {
  if (v.inputs().size() != 4) return Var();
  const Var& c = v.inputs()[0];
  if (!is_binary(c, BinaryFn::Mul)) return Var();
  for (int side = 0; side < 2; ++side) {
    const Var& w = c.inputs()[size_t(side)];
    const Var& s = c.inputs()[size_t(1 - side)];
    if (s.rank() != 0 || s.dtype() != v.dtype() || w.shape() != v.shape() || w.dtype() != v.dtype()) continue;
    const GemmAccOp* g = op_as<GemmAccOp>(v);
    const auto& in = v.inputs();
    return gemm_acc_scaled(w, s, in[1], in[2], in[3], g->trans_a(), g->trans_b(), v.loc());
  }
  return Var();
}

}  // namespace

void register_blas_rewrites() {
  register_rewrite(node_rewriter<GemmAccOp>(Phase::Specialize, "gemm_beta", scale_into_gemm_beta));
  register_rewrite(node_rewriter<MatmulOp>(Phase::Specialize, "matmul_transpose", matmul_of_transpose));
  register_rewrite(node_rewriter<BinaryOp>(Phase::Specialize, "gemm_update", update_as_gemm));
}

}  // namespace nabla
