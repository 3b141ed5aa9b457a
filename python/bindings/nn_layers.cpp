// Layers, activations and initializers (nn/layers.hpp, nn/activation.hpp,
// nn/init.hpp). A FullyConnected called on a Python Var returns a Var, so C++
// layers and layers written in Python stack freely in one graph.
#include "bindings.hpp"
#include "nn/activation.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn_names.hpp"

namespace nabla::python {

namespace {

using nn::FullyConnected;
using nn::Rng;

// The generator layers draw from when none is given: one per process, so two
// layers made one after the other get different weights.
Rng& default_rng() {
  static Rng rng(12345678);
  return rng;
}

// An Rng argument: None (the default generator), an Rng, or an int seed
// (a generator used for this call only).
template <class F> auto with_rng(py::handle rng, F&& f) {
  if (rng.is_none()) return f(default_rng());
  if (py::isinstance<Rng>(rng)) return f(rng.cast<Rng&>());
  if (PyIndex_Check(rng.ptr()) && !py::isinstance<py::bool_>(rng)) {
    Rng local(py::int_(py::reinterpret_borrow<py::object>(rng)).cast<uint64_t>());
    return f(local);
  }
  throw TypeError("nabla: rng must be None, a nabla.nn.Rng or an int seed, got " + py::repr(rng).cast<std::string>());
}

}  // namespace

void bind_nn_layers(py::module_& nn) {
  py::class_<Rng>(nn, "Rng", "A seeded random generator (mt19937_64) for initialization and shuffling.")
      .def(py::init<uint64_t>(), py::arg("seed") = 12345678)
      .def("seed", &Rng::seed, py::arg("seed"))
      .def("normal", &Rng::normal, py::arg("mean") = 0.0, py::arg("std") = 1.0)
      .def("uniform", &Rng::uniform, py::arg("lo") = 0.0, py::arg("hi") = 1.0)
      .def("permutation", [](Rng& r, int64_t n) {
        if (n < 0) throw ValueError("nabla: Rng.permutation: n must be >= 0, got " + std::to_string(n));
        std::vector<int64_t> p = r.permutation(n);
        return py::array_t<int64_t>(py::ssize_t(p.size()), p.data());
      }, py::arg("n"), "A Fisher-Yates permutation of 0..n-1 (int64 array).");

  nn.def("normal", [](const std::vector<int64_t>& shape, double mean, double std, py::handle rng, py::handle dtype) {
    for (int64_t d : shape)
      if (d < 0) throw ValueError("nabla: normal: dimensions must be >= 0");
    const DType t = dtype_from_object(dtype);
    return with_rng(rng, [&](Rng& r) { return array_from_tensor(nn::normal(Shape(shape), mean, std, r, t)); });
  }, py::arg("shape"), py::arg("mean") = 0.0, py::arg("std") = 1.0, py::arg("rng") = py::none(),
     py::arg("dtype") = "float32", "An array of N(mean, std) samples from a nabla Rng.");

  nn.def("activate", [](py::handle act, const Var& z) {
    AtUser at;
    return nn::activate(activation_from(act), z);
  }, py::arg("activation"), py::arg("z"), "act(z) for an activation name (sigmoid, tanh, relu, linear, softmax).");

  py::class_<FullyConnected>(nn, "FullyConnected",
                             "a = act(x W^T + b) for x of shape (batch, n_in); W (n_out, n_in) and b (n_out,) "
                             "are shared variables. Call it on a Var to get the output Var.")
      .def(py::init([](int64_t n_in, int64_t n_out, py::handle activation, const std::string& init, py::handle rng,
                       const std::string& name) {
        AtUser at;
        const nn::Activation act = activation_from(activation);
        const nn::Init how = nn::init_from_name(init);
        return with_rng(rng, [&](Rng& r) { return FullyConnected(n_in, n_out, act, r, how, name); });
      }), py::arg("n_in"), py::arg("n_out"), py::arg("activation") = "sigmoid", py::arg("init") = "default",
          py::arg("rng") = py::none(), py::arg("name") = "fc",
          "init: 'default' (W ~ N(0, 1/sqrt(n_in)), b ~ N(0, 1)), 'large' (all N(0, 1)) or 'zeros'; "
          "activation: a name or one of nabla.nn's activation functions.")
      .def("__call__", [](const FullyConnected& l, const Var& x) { AtUser at; return l(x); }, py::arg("x"))
      .def("weighted_input", [](const FullyConnected& l, const Var& x) { AtUser at; return l.weighted_input(x); },
           py::arg("x"), "z = x W^T + b")
      .def("initialize", [](FullyConnected& l, const std::string& init, py::handle rng) {
        const nn::Init how = nn::init_from_name(init);
        RunLock lock;
        with_rng(rng, [&](Rng& r) { l.initialize(how, r); return 0; });
      }, py::arg("init") = "default", py::arg("rng") = py::none(), "Draws new values for W and b.")
      .def_readonly("W", &FullyConnected::W)
      .def_readonly("b", &FullyConnected::b)
      .def_property_readonly("params", &FullyConnected::params, "[W, b]")
      .def_property_readonly("weights", &FullyConnected::weights, "[W] (what L2 / L1 penalize)")
      .def_property_readonly("n_in", &FullyConnected::n_in)
      .def_property_readonly("n_out", &FullyConnected::n_out)
      .def_property_readonly("activation", [](const FullyConnected& l) { return nn::activation_name(l.activation()); })
      .def("__repr__", [](const FullyConnected& l) {
        return "<nabla.nn.FullyConnected " + std::to_string(l.n_in()) + " -> " + std::to_string(l.n_out()) + ", " +
               nn::activation_name(l.activation()) + ">";
      });
}

}  // namespace nabla::python
