// Graph walks shared by grad, compile and printing.
#pragma once
#include <unordered_map>
#include <vector>

#include "core/var.hpp"

namespace nabla {

// Every Var reachable from `outputs`, inputs before users (a topological order).
std::vector<Var> topo_sort(const std::vector<Var>& outputs);

// A copy of the node computing v with other inputs (same op, name and line); the
// type is inferred again. v's inputs are returned as they are by the caller.
Var with_inputs(const Var& v, std::vector<Var> inputs);

// v rebuilt over the replacements of its inputs in `memo` (old input -> new Var):
// v itself when none changed, else with_inputs(). Every input must be in memo.
using VarMemo = std::unordered_map<const VarImpl*, Var>;
Var rebuilt_over(const Var& v, const VarMemo& memo);

// Evaluates `outputs` directly, without compiling (slow, allocates: for tests,
// constant folding and debugging). `bindings` give values to Input vars; shared
// and constant vars use their own values. Throws ValueError naming an unbound input.
using Bindings = std::unordered_map<Var, Tensor, VarHash, VarEq>;
std::vector<Tensor> eval(const std::vector<Var>& outputs, const Bindings& bindings = {});
Tensor eval(const Var& output, const Bindings& bindings = {});

}  // namespace nabla
