// What an op family needs to write rewrites: a rewrite is a small function from
// a node to its replacement, registered with the phase it belongs to and the op
// classes it looks at (as PyTensor's node_rewriter([OpClass])). Rewrites match
// ops by their C++ type and read typed attributes; none compares op names or
// parses params().
#pragma once
#include <functional>
#include <string>
#include <typeindex>
#include <vector>

#include "core/op.hpp"

namespace nabla {

// The graph phases, in the order the compiler runs them (core/compile/pipeline.cpp);
// each runs to its own fixpoint. Merging identical nodes runs in every phase.
enum class Phase {
  Canonicalize,  // constant folding, static shapes, algebraic normal forms
  Stabilize,     // numerically safer forms: log(softmax) -> log_softmax, ...
  Specialize,    // cheaper kernels for the same value: transposes as GEMM flags, ...
  Fuse,          // chains of elementwise ops into one loop (after grad and stabilize)
};
const char* phase_name(Phase p);

struct NodeRewrite {
  std::string name;
  Phase phase = Phase::Canonicalize;
  std::vector<std::type_index> tracks;  // op classes offered to it; empty: every node
  // The node's replacement, or an undefined Var to leave it alone.
  std::function<Var(const Var&)> apply;
};

// A rewrite offered only nodes whose op is one of Ops.
template <class... Ops>
NodeRewrite node_rewriter(Phase phase, std::string name, std::function<Var(const Var&)> fn) {
  return NodeRewrite{std::move(name), phase, {std::type_index(typeid(Ops))...}, std::move(fn)};
}

// The op of v as an O, or nullptr (leaves, other ops, undefined vars).
template <class O> const O* op_as(const Var& v) {
  if (!v.defined() || v.is_leaf()) return nullptr;
  return dynamic_cast<const O*>(v.op());
}

}  // namespace nabla
