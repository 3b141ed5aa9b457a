// nabla.nn.Elman and nabla.nn.LSTM: the recurrent layers of nn/layers_recurrent.
#include "bindings.hpp"
#include "nn/layers_recurrent.hpp"

namespace nabla::python {

namespace {

// rng: None (seed 12345678), an int seed or a nabla.nn.Rng.
template <class L> void draw(L& layer, py::handle rng) {
  if (py::isinstance<nn::Rng>(rng)) {
    layer.initialize(rng.cast<nn::Rng&>(), nn::Init::Default);
    return;
  }
  nn::Rng local(rng.is_none() ? 12345678 : rng.cast<uint64_t>());
  layer.initialize(local, nn::Init::Default);
}

template <class L, class C> void common(C& c) {
  c.def("__call__", [](const L& l, const Var& x) { AtUser at; return l(x); }, py::arg("x"),
        "Every step's hidden state (T, batch, n_hidden) for x (T, batch, n_in).")
      .def_readwrite("W", &L::W)
      .def_readwrite("U", &L::U)
      .def_readwrite("b", &L::b)
      .def_property_readonly("params", &L::params, "[W, U, b]")
      .def_property_readonly("weights", &L::weights, "[W, U]")
      .def_property_readonly("n_in", &L::n_in)
      .def_property_readonly("n_hidden", &L::n_hidden)
      .def("__repr__", &L::describe);
}

}  // namespace

void bind_nn_recurrent(py::module_& nn) {
  py::class_<nn::Elman, nn::Layer, std::shared_ptr<nn::Elman>> elman(
      nn, "Elman", "h_t = act(x_t W^T + h_{t-1} U^T + b) over x (T, batch, n_in), h_0 = 0; written with scan.");
  elman.def(py::init([](int64_t n_in, int64_t n_hidden, const std::string& activation, py::handle rng,
                        const std::string& name) {
    AtUser at;
    nn::Activation act = nn::Activation::Tanh;
    if (activation == "sigmoid") act = nn::Activation::Sigmoid;
    else if (activation == "relu") act = nn::Activation::ReLU;
    else if (activation == "linear") act = nn::Activation::Linear;
    else if (activation != "tanh")
      throw ValueError("nabla: Elman: activation must be 'tanh', 'sigmoid', 'relu' or 'linear', got '" + activation + "'");
    auto l = std::make_shared<nn::Elman>(n_in, n_hidden, act, name);
    draw(*l, rng);
    return l;
  }), py::arg("n_in"), py::arg("n_hidden"), py::arg("activation") = "tanh", py::arg("rng") = py::none(),
      py::arg("name") = "elman");
  common<nn::Elman>(elman);

  py::class_<nn::LSTM, nn::Layer, std::shared_ptr<nn::LSTM>> lstm(
      nn, "LSTM", "LSTM over x (T, batch, n_in): gates input, forget, output, candidate in W (4H, n_in), "
                  "U (4H, H), b (4H); c_t = f c + i g, h_t = o tanh(c_t); forget bias starts at 1; written with scan.");
  lstm.def(py::init([](int64_t n_in, int64_t n_hidden, py::handle rng, const std::string& name) {
    AtUser at;
    auto l = std::make_shared<nn::LSTM>(n_in, n_hidden, name);
    draw(*l, rng);
    return l;
  }), py::arg("n_in"), py::arg("n_hidden"), py::arg("rng") = py::none(), py::arg("name") = "lstm");
  common<nn::LSTM>(lstm);
}

}  // namespace nabla::python
