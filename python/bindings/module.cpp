// The extension module nabla._nabla. The pure-Python package (python/nabla)
// builds Theano's spelling on top of these primitives.
#include "bindings.hpp"

PYBIND11_MODULE(_nabla, m) {
  using namespace nabla::python;
  m.doc() = "nabla: symbolic autodiff tensors (C++ core, see the nabla package)";
  bind_errors(m);
  bind_location(m);
  bind_tensors(m);
  bind_vars(m);
  bind_ops(m);
  bind_function(m);
  bind_printing(m);
  bind_random(m);
  bind_conv(m);
}
