// The extension module nabla._nabla. The pure-Python package (python/nabla)
// builds Theano's spelling on top of these primitives.
#include "bindings.hpp"
#include "core/version.hpp"

PYBIND11_MODULE(_nabla, m) {
  using namespace nabla::python;
  m.doc() = "nabla: symbolic autodiff tensors (C++ core, see the nabla package)";
  m.attr("__version__") = nabla::version();  // the C++ library's, so the two never disagree
  init_runtime_keeping_float_mode();
  init_interrupts();
  bind_errors(m);
  bind_location(m);
  bind_tensors(m);
  bind_vars(m);
  bind_ops(m);
  bind_function(m);
  bind_printing(m);
  bind_random(m);
  bind_conv(m);
  bind_scan(m);
  bind_pickling(m);
  py::module_ distributed = m.def_submodule("distributed", "MPI ranks and collectives (core/distributed.hpp)");
  bind_distributed(distributed);
  py::module_ nn = m.def_submodule("nn", "layers, costs, networks and data sets (nn/)");
  bind_data(nn);
  bind_nn_layers(nn);
  bind_nn_costs(nn);
  bind_nn_network(nn);
  bind_nn_network3(nn);
  bind_nn_recurrent(nn);
  bind_nn_pickling(nn);
  py::module_ optim = m.def_submodule("optim", "optimizers and training schedules (optim/)");
  bind_optim(optim);
}
