// Internal: the rewriting machinery the compile pipeline drives. A Rewriter
// rebuilds a graph bottom-up: it substitutes givens, merges identical nodes (same
// op signature and inputs) and constants with equal values, and offers each
// rebuilt node to the rewrites of one phase that track its op class; the first
// that returns a replacement wins. One run is one sweep; the pipeline repeats
// sweeps until a phase reaches its fixpoint.
#pragma once
#include <map>
#include <string>
#include <typeindex>
#include <unordered_map>
#include <vector>

#include "core/function.hpp"
#include "core/rewrite/node_rewrite.hpp"
#include "core/var.hpp"

namespace nabla {

class Rewriter {
 public:
  // Fired rewrites are counted into `counts` by name ("merge" for merges).
  explicit Rewriter(std::map<std::string, int>* counts) : counts_(counts) {}
  void set_givens(const Givens& givens);
  void set_rewrites(const std::vector<NodeRewrite>& rewrites);
  // Rebuilt roots, in the same order. Reports whether any merge/rewrite fired.
  std::vector<Var> run(const std::vector<Var>& roots);
  bool changed() const { return changed_; }

 private:
  Var rebuild(const Var& v);
  Var merge_constant(const Var& v);
  Var try_rewrites(const Var& node);
  void bump(const std::string& what);

  std::map<std::string, int>* counts_;
  std::unordered_map<const VarImpl*, Var> givens_;
  const std::vector<const NodeRewrite*>& rewrites_for(const Op& op);

  std::vector<const NodeRewrite*> rewrites_;
  // Per concrete op class: the rewrites that track it, in registration order.
  std::unordered_map<std::type_index, std::vector<const NodeRewrite*>> by_op_;
  std::unordered_map<const VarImpl*, Var> memo_;
  std::unordered_map<std::string, Var> nodes_;
  std::unordered_map<std::string, Var> constants_;
  bool changed_ = false;
};

}  // namespace nabla
