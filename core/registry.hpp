// The list of every op nabla has (name, family, one line of documentation) and
// every rewrite the compiler may apply. apply() refuses ops missing here, and the
// op-table test refuses a registered op without a gradient-check row, so a new op
// cannot slip in untested.
//
// One registration point: the registry is filled once, on first use, by
// register_builtin_families() (ops/registry.cpp, the one list of op families);
// each family registers its ops and its rewrites from its own file.
#pragma once
#include <string>
#include <vector>

#include "core/op_params.hpp"
#include "core/rewrite/node_rewrite.hpp"

namespace nabla {

struct OpInfo {
  std::string name;    // as Op::name() returns it
  std::string family;  // "elementwise", "reduction", ...
  std::string doc;
  // Rebuilds the op from its params() text (unpickling graphs). Every op has
  // one: tests/test_op_factories.cpp refuses an op without it.
  OpFactory make = nullptr;
};

const std::vector<OpInfo>& registered_ops();
bool is_registered_op(const std::string& name);
// The op named `name` rebuilt from its params() text, for a node with n_inputs
// inputs. ValueError (naming op and text) for an unknown op, an op without a
// factory, malformed params, or a rebuilt op whose params() differ from `params`.
std::shared_ptr<const Op> make_op(const std::string& name, const std::string& params, int n_inputs);
// The rewrites of one phase, in registration order.
const std::vector<NodeRewrite>& registered_rewrites(Phase phase);

const std::vector<GraphRewrite>& registered_graph_rewrites(Phase phase);

// Only while the registry is being filled (from a family's register function).
void register_op(OpInfo info);
void register_rewrite(NodeRewrite rewrite);
void register_graph_rewrite(GraphRewrite rewrite);

// The graph-building functions grad() needs (the seed gradient, summing
// contributions, dtype fixes, zeros for a disconnected input), supplied by the op
// families so that core knows no concrete op.
struct GradAlgebra {
  Var (*fill_like)(const Var& x, double value, Loc loc) = nullptr;
  Var (*add)(const Var& a, const Var& b, Loc loc) = nullptr;
  Var (*cast)(const Var& x, DType dtype, Loc loc) = nullptr;
};
const GradAlgebra& grad_algebra();
void register_grad_algebra(GradAlgebra algebra);

// Defined in ops/registry.cpp: calls every family's register function.
void register_builtin_families();

}  // namespace nabla
