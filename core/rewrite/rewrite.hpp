// Internal: graph rewriting used by function(). A Rewriter rebuilds a graph
// bottom-up: it substitutes givens, merges identical nodes (same op signature
// and inputs) and constants with equal values, and offers each rebuilt node to
// local rewrites (one file per family in core/rewrite/), which may return a
// replacement built from public ops.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/function.hpp"
#include "core/var.hpp"

namespace nabla {

// A local rewrite: given a freshly rebuilt node, return its replacement or an
// undefined Var to leave it alone.
struct LocalRewrite {
  std::string name;
  std::function<Var(const Var&)> apply;
};

class Rewriter {
 public:
  explicit Rewriter(std::map<std::string, int>* counts) : counts_(counts) {}
  void set_givens(const Givens& givens);
  void set_local_rewrites(std::vector<LocalRewrite> rewrites) { local_ = std::move(rewrites); }
  // Rebuilt roots, in the same order. Reports whether any merge/rewrite fired.
  std::vector<Var> run(const std::vector<Var>& roots);
  bool changed() const { return changed_; }

 private:
  Var rebuild(const Var& v);
  Var merge_constant(const Var& v);
  void bump(const std::string& what);

  std::map<std::string, int>* counts_;
  std::unordered_map<const VarImpl*, Var> givens_;
  std::vector<LocalRewrite> local_;
  std::unordered_map<const VarImpl*, Var> memo_;
  std::unordered_map<std::string, Var> nodes_;
  std::unordered_map<std::string, Var> constants_;
  bool changed_ = false;
};

// The passes, in the order function() runs them (see core/rewrite/*.cpp).
std::vector<LocalRewrite> canonicalize_rewrites();  // constant folding, shape_i folding
std::vector<LocalRewrite> stabilize_rewrites();     // log(softmax) -> log_softmax, ...
std::vector<LocalRewrite> xent_rewrites();          // log_softmax(z)[arange(n), y] -> -softmax_xent
std::vector<LocalRewrite> specialize_rewrites();    // matmul of a transpose -> flag

}  // namespace nabla
