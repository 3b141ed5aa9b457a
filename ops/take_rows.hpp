// take_rows(x, idx) = x[idx] for an integer vector idx (Theano's
// AdvancedSubtensor1): a shuffled mini-batch gathered from shared data by a
// shared permutation, e.g. data[perm[i*m:(i+1)*m]]. inc_rows is its gradient.
#pragma once
#include "core/var.hpp"

namespace nabla {

// Rows idx[k] of x (any rank >= 1); negative indices count from the end.
Var take_rows(const Var& x, const Var& idx, Loc loc = Loc::current());
// x with y[k] added to row idx[k] (repeated indices accumulate).
Var inc_rows(const Var& x, const Var& idx, const Var& y, Loc loc = Loc::current());

}  // namespace nabla
