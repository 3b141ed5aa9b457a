// Which forward expression a node built by grad() is the gradient of, so that
// run-time errors (NanGuard) can say "in the gradient of log (created at
// net.py:12)" rather than only pointing at a line. grad() notes the range of
// variable ids each pullback created (ids only grow, so ranges are disjoint
// and sorted); nodes rebuilt by rewrites inherit their original's entry.
#pragma once
#include <cstdint>
#include <string>

#include "core/var.hpp"

namespace nabla {

// Variables with ids in [first, end) were built by the pullback of `forward`.
void note_gradient_nodes(uint64_t first, uint64_t end, const Var& forward);
// `rebuilt` replaces `original` (same op, new inputs).
void inherit_gradient_origin(const Var& original, const Var& rebuilt);
// "the gradient of log (created at net.py:12)", or "" for a forward node.
std::string gradient_origin(const Var& v);

}  // namespace nabla
