// Specialize: pick cheaper forms of the same computation.
#include "core/op.hpp"
#include "core/rewrite/rewrite.hpp"
#include "ops/api.hpp"

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

}  // namespace

std::vector<LocalRewrite> specialize_rewrites() {
  return {{"matmul_transpose", matmul_of_transpose}};
}

}  // namespace nabla
