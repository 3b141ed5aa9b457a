// Transitional: the rewrites that still live in core/ and match ops by name.
// Each moves next to its op family (ops/) as a typed node_rewriter.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/var.hpp"

namespace nabla {

struct LocalRewrite {
  std::string name;
  std::function<Var(const Var&)> apply;
};

std::vector<LocalRewrite> canonicalize_rewrites();  // shape_i folding, slice before cast
std::vector<LocalRewrite> stabilize_rewrites();     // log(softmax) -> log_softmax, ...
std::vector<LocalRewrite> xent_rewrites();          // log_softmax(z)[arange(n), y] -> -softmax_xent
std::vector<LocalRewrite> specialize_rewrites();    // matmul of a transpose -> flag

}  // namespace nabla
