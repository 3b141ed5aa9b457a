// Specialize: pick cheaper forms of the same computation.
#include "core/op.hpp"
#include "core/rewrite/legacy.hpp"
#include "ops/api.hpp"
#include "ops/gemm_acc.hpp"

namespace nabla {

namespace {

bool is_op(const Var& v, const char* name) { return !v.is_leaf() && v.op()->name() == name; }

// A 2-D dimshuffle that swaps the two axes.
bool is_matrix_transpose(const Var& v) {
  return is_op(v, "dimshuffle") && v.rank() == 2 && v.inputs()[0].rank() == 2 &&
         v.op()->params() == transpose(v.inputs()[0]).op()->params();
}

// matmul(transpose(A), B) -> matmul(A, B, trans_a): GEMM reads A transposed, no copy.
Var matmul_of_transpose(const Var& v) {
  if (!is_op(v, "matmul")) return Var();
  const Var& a = v.inputs()[0];
  const Var& b = v.inputs()[1];
  bool ta = is_matrix_transpose(a), tb = is_matrix_transpose(b);
  if (!ta && !tb) return Var();
  const std::string p = v.op()->params();
  bool fa = p.find("trans_a=1") != std::string::npos;
  bool fb = p.find("trans_b=1") != std::string::npos;
  return matmul(ta ? a.inputs()[0] : a, tb ? b.inputs()[0] : b, fa != ta, fb != tb, v.loc());
}

bool matmul_flag(const Var& m, const char* flag) { return m.op()->params().find(flag) != std::string::npos; }

// c - s * matmul(a, b)  ->  gemm_acc(c, -s, a, b)   (also c + s*M, M*s, and a bare M)
// An SGD-style update then costs one copy of c and one GEMM with beta = 1
// instead of a GEMM plus two passes over c. If the product had other users it
// is computed twice; in training graphs the weight gradient feeds only its update.
Var update_as_gemm(const Var& v) {
  const bool is_sub = is_op(v, "sub"), is_add = is_op(v, "add");
  if (!is_sub && !is_add) return Var();
  for (int side = 0; side < (is_add ? 2 : 1); ++side) {
    const Var& c = v.inputs()[size_t(side)];
    const Var& t = v.inputs()[size_t(1 - side)];
    if (c.rank() != 2 || !is_float(c.dtype()) || c.dtype() != v.dtype() || c.shape() != v.shape()) continue;
    Var s, m;
    if (is_op(t, "matmul")) {
      m = t;
    } else if (is_op(t, "mul")) {
      const Var &x = t.inputs()[0], &y = t.inputs()[1];
      if (x.rank() == 0 && is_op(y, "matmul")) s = x, m = y;
      else if (y.rank() == 0 && is_op(x, "matmul")) s = y, m = x;
    }
    if (!m.defined() || m.dtype() != c.dtype() || (s.defined() && s.dtype() != c.dtype())) continue;
    Var alpha = s.defined() ? s : constant(1.0, c.dtype(), v.loc());
    if (is_sub) alpha = neg(alpha, v.loc());
    return gemm_acc(c, alpha, m.inputs()[0], m.inputs()[1], matmul_flag(m, "trans_a=1"), matmul_flag(m, "trans_b=1"),
                    v.loc());
  }
  return Var();
}

}  // namespace

std::vector<LocalRewrite> specialize_rewrites() {
  return {{"matmul_transpose", matmul_of_transpose}, {"gemm_update", update_as_gemm}};
}

}  // namespace nabla
