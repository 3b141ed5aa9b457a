// Human-readable views of graphs: an indented tree (Theano's debugprint) and Graphviz.
#pragma once
#include <string>
#include <vector>

#include "core/function.hpp"
#include "core/var.hpp"

namespace nabla {

// One line per node: op{params} [id N] dtype shape 'name', children indented.
std::string debugprint(const Var& v);
std::string debugprint(const std::vector<Var>& vs);
std::string debugprint(const Function& f);
// A Graphviz "digraph" of the graph.
std::string to_dot(const std::vector<Var>& vs);
std::string to_dot(const Function& f);

}  // namespace nabla
