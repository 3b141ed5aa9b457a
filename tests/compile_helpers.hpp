// What the compiler did to a graph, for tests: which rewrites fired and which
// ops the optimized graph still holds.
#pragma once
#include <string>

#include "nabla.hpp"

// Times the rewrite `name` fired while compiling f (0 if never).
inline int rewrite_count(const nabla::Function& f, const std::string& name) {
  for (const auto& [n, count] : f.rewrites_applied())
    if (n == name) return count;
  return 0;
}

inline bool has_rewrite(const nabla::Function& f, const std::string& name) { return rewrite_count(f, name) > 0; }

// Nodes of f's optimized graph whose op is `op_name`.
inline int op_count(const nabla::Function& f, const std::string& op_name) {
  int n = 0;
  for (const nabla::Var& v : nabla::topo_sort(f.outputs()))
    if (!v.is_leaf() && v.op()->name() == op_name) ++n;
  return n;
}

inline bool program_has_op(const nabla::Function& f, const std::string& op_name) { return op_count(f, op_name) > 0; }
