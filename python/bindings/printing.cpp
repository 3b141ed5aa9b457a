// Text views of graphs: the indented tree (Theano's debugprint) and Graphviz
// dot. Compiled functions print themselves (Function.debugprint / .to_dot).
#include "bindings.hpp"

namespace nabla::python {

void bind_printing(py::module_& m) {
  m.def("debugprint", [](const std::vector<Var>& vs) { return debugprint(vs); },
        "One line per node: op{params} [id N] dtype shape 'name', children indented.");
  m.def("to_dot", [](const std::vector<Var>& vs) { return to_dot(vs); }, "A Graphviz digraph of the graph.");
}

}  // namespace nabla::python
