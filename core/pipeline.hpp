// Internal: the compile pipeline as data. The graph phases run in this order,
// each to its own fixpoint (sweeps until no rewrite and no merge fires):
//   merge         givens substituted, identical nodes and equal constants merged
//   canonicalize  constant folding, static shapes, normal forms
//   stabilize     numerically safe forms (log-softmax, softplus, softmax_xent)
//   specialize    cheaper kernels for the same value (GEMM flags, gemm_acc)
//   fuse          elementwise chains into one loop
// then the program phases (core/program.cpp, core/memory_plan.cpp):
//   linearize     a topological order of kernel calls over value slots
//   inplace       steps that may overwrite a dead input's buffer do
//   memory_plan   buffers reused after their last reader; views share their base's
#pragma once
#include <vector>

#include "core/function.hpp"
#include "core/rewrite/node_rewrite.hpp"

namespace nabla {

struct GraphPhase {
  const char* name;
  bool merge_only;  // the merge phase: no rewrites, givens substituted
  Phase phase;      // otherwise: whose registered rewrites run
  bool in_fast_compile;
};

// The graph phases, in order.
const std::vector<GraphPhase>& graph_phases();

// Runs the graph phases on `roots` (outputs then update values); appends one
// PhaseStats per phase to `stats`.
std::vector<Var> optimize_graph(std::vector<Var> roots, const Givens& givens, Mode mode,
                                std::vector<PhaseStats>& stats);

}  // namespace nabla
