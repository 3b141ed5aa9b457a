// gemm_acc(c, alpha, a, b): c + alpha * op(a) @ op(b) as one GEMM with beta = 1.
// The specialize pass rewrites SGD-style updates (W - eta * dot(x.T, delta))
// into it, so the update costs one copy and one GEMM instead of a GEMM and two
// elementwise passes over W.
#pragma once
#include "core/var.hpp"

namespace nabla {

// `alpha` is a scalar (rank 0) of c's dtype; c must have the product's shape
// (a product of one row or column broadcasts, as the elementwise form would).
Var gemm_acc(const Var& c, const Var& alpha, const Var& a, const Var& b, bool trans_a = false,
             bool trans_b = false, Loc loc = Loc::current());
// beta * c + alpha * op(a) @ op(b), beta a scalar of c's dtype: what the
// specialize pass makes of an update whose kept part is c * beta (L2 decay).
Var gemm_acc_scaled(const Var& c, const Var& beta, const Var& alpha, const Var& a, const Var& b,
                    bool trans_a = false, bool trans_b = false, Loc loc = Loc::current());

}  // namespace nabla
