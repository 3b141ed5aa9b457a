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
  // Whether a node with this op is offered to the rewrite; empty: every node. The
  // Rewriter asks once per concrete op class and remembers the answer.
  std::function<bool(const Op&)> tracks;
  // The node's replacement, or an undefined Var to leave it alone.
  std::function<Var(const Var&)> apply;
  // Also offered in the later graph phases (constant folding: a stabilizing or
  // specializing rewrite may build new constant subexpressions).
  bool every_phase = false;
};

// A rewrite offered only nodes whose op is one of Ops (or derives from one: an op
// family may publish a base class with its typed attributes and keep the kernel
// class private).
template <class... Ops>
NodeRewrite node_rewriter(Phase phase, std::string name, std::function<Var(const Var&)> fn) {
  static_assert(sizeof...(Ops) > 0, "node_rewriter<OpClass...>: name the op classes it tracks");
  auto tracks = [](const Op& op) { return ((dynamic_cast<const Ops*>(&op) != nullptr) || ...); };
  return NodeRewrite{std::move(name), phase, tracks, std::move(fn)};
}

// A rewrite that needs the whole graph rather than one node (fusion must know
// who else reads a value). It returns the rewritten roots and adds to `fired`
// the number of changes it made; 0 leaves the roots as they were.
struct GraphRewrite {
  std::string name;
  Phase phase = Phase::Fuse;
  std::function<std::vector<Var>(const std::vector<Var>& roots, int& fired)> apply;
};

// The op of v as an O, or nullptr (leaves, other ops, undefined vars).
template <class O> const O* op_as(const Var& v) {
  if (!v.defined() || v.is_leaf()) return nullptr;
  return dynamic_cast<const O*>(v.op());
}

}  // namespace nabla
