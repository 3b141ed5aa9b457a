// Reverse-mode differentiation on the graph: the result is more graph.
#pragma once
#include <initializer_list>
#include <vector>

#include "core/var.hpp"

namespace nabla {

enum class Disconnected { Raise, Zero };

// d cost / d wrt[i] for a scalar `cost`. Walks the graph backwards once,
// summing the contributions of every path. A wrt that `cost` does not depend on
// is an error naming it, unless `disconnected` is Zero. Grad of grad works
// because every pullback is built from public ops.
std::vector<Var> grad(const Var& cost, const std::vector<Var>& wrt,
                      Disconnected disconnected = Disconnected::Raise);
Var grad(const Var& cost, const Var& wrt, Disconnected disconnected = Disconnected::Raise);
// grad(cost, {W, b}) — a braced list always means "several", even with one entry.
inline std::vector<Var> grad(const Var& cost, std::initializer_list<Var> wrt,
                             Disconnected disconnected = Disconnected::Raise) {
  return grad(cost, std::vector<Var>(wrt), disconnected);
}

}  // namespace nabla
