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

std::vector<LocalRewrite> stabilize_rewrites();  // log(softmax) -> log_softmax, ...

}  // namespace nabla
