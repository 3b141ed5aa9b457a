// The layer library (nn/layer.hpp, nn/layers.hpp), activations and
// initializers. nabla.nn.Layer is the one layer interface, subclassed in
// Python by defining apply(x, x_dropout, ctx) -> (output, output_dropout) (or
// one Var when both paths are the same), params (a list or a method) and
// optionally weights, initialize(rng, init) and describe(). Such a layer
// stacks with the C++ ones in Network3 and in graphs built by hand.
#include "bindings.hpp"
#include "nn/activation.hpp"
#include "nn/init.hpp"
#include "nn/layers.hpp"
#include "nn_names.hpp"
#include "ops/api.hpp"

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

// A layer written in Python. Every call comes from C++ while a graph is built,
// with the GIL held or taken here.
class PyLayer : public nn::Layer {
 public:
  nn::Paths apply(const nn::Paths& in, nn::LayerContext& ctx) override {
    py::gil_scoped_acquire gil;
    py::function f = py::get_override(static_cast<const nn::Layer*>(this), "apply");
    if (!f) throw TypeError("nabla: " + describe() + ": a nabla.nn.Layer subclass must define apply(x, x_dropout, ctx)");
    py::object r = f(in.eval, in.train, py::cast(&ctx, py::return_value_policy::reference));
    try {
      if (py::isinstance<py::tuple>(r) && py::len(r) == 2) {
        py::tuple t = r;
        return {t[0].cast<Var>(), t[1].cast<Var>()};
      }
      Var v = r.cast<Var>();
      return {v, v};
    } catch (const py::cast_error&) {
      throw TypeError("nabla: " + describe() + ".apply must return a Var or (output, output_dropout), got " +
                      py::repr(r).cast<std::string>());
    }
  }
  std::vector<Var> params() const override { return vars_attr("params", true); }
  std::vector<Var> weights() const override { return vars_attr("weights", false); }
  void initialize(Rng& rng, nn::Init init) override {
    py::gil_scoped_acquire gil;
    if (py::function f = py::get_override(static_cast<const nn::Layer*>(this), "initialize"))
      f(py::cast(&rng, py::return_value_policy::reference), nn::init_name(init));
  }
  std::string describe() const override {
    py::gil_scoped_acquire gil;
    if (py::function f = py::get_override(static_cast<const nn::Layer*>(this), "describe")) return f().cast<std::string>();
    return py::str(py::cast(this).get_type().attr("__name__")).cast<std::string>();
  }

 private:
  // self.<name>: a list of Vars or a method returning one.
  std::vector<Var> vars_attr(const char* name, bool required) const {
    py::gil_scoped_acquire gil;
    py::object self = py::cast(static_cast<const nn::Layer*>(this));
    if (!py::hasattr(self, name)) {
      if (!required) return {};
      throw TypeError("nabla: " + describe() + ": a nabla.nn.Layer subclass must define `" + name +
                      "` (a list of its shared variables, or a method returning one)");
    }
    py::object v = self.attr(name);
    if (PyCallable_Check(v.ptr())) v = v();
    try {
      return v.cast<std::vector<Var>>();
    } catch (const py::cast_error&) {
      throw TypeError("nabla: " + describe() + "." + name + " must be a list of nabla Vars, got " +
                      py::repr(v).cast<std::string>());
    }
  }
};

std::array<int64_t, 4> shape4(const std::vector<int64_t>& s, const char* what) {
  if (s.size() != 4) throw ValueError(std::string("nabla: ") + what + " needs 4 numbers, got " + std::to_string(s.size()));
  return {s[0], s[1], s[2], s[3]};
}

std::array<int64_t, 2> shape2(const std::vector<int64_t>& s, const char* what) {
  if (s.size() != 2) throw ValueError(std::string("nabla: ") + what + " needs 2 numbers, got " + std::to_string(s.size()));
  return {s[0], s[1]};
}

// Binds what every layer has: apply, the recorded paths, describe.
template <class C> void common_layer_methods(C& c) {
  c.def("initialize", [](nn::Layer& l, Rng& rng, const std::string& init) {
     RunLock lock;
     l.initialize(rng, nn::init_from_name(init));
   }, py::arg("rng"), py::arg("init") = "default", "Draws the parameters' values (init: default, large, zeros, network3).")
      .def("describe", &nn::Layer::describe)
      .def("__repr__", [](const nn::Layer& l) { return "<nabla.nn." + l.describe() + ">"; });
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

  py::class_<nn::LayerContext>(nn, "LayerContext", "What a layer may need while building: batch and srng.")
      .def(py::init([](int64_t batch, RandomStreams* srng) { return nn::LayerContext{batch, srng}; }),
           py::arg("batch") = -1, py::arg("srng") = nullptr, py::keep_alive<1, 3>())
      .def_readonly("batch", &nn::LayerContext::batch, "The fixed mini-batch size, or -1.")
      .def_property_readonly("srng", [](const nn::LayerContext& c) { return c.srng; },
                             py::return_value_policy::reference, "The RandomStreams dropout draws from (or None).");

  py::class_<nn::Layer, PyLayer, std::shared_ptr<nn::Layer>> layer(
      nn, "Layer", py::dynamic_attr(),
      "The one layer interface. Subclass it: apply(x, x_dropout, ctx) returns (output, output_dropout) or one Var; "
      "params is the list of its shared variables; weights (optional) the ones L2 penalizes; "
      "initialize(rng, init) (optional) draws their values.");
  layer.def(py::init<>())
      .def("apply", [](nn::Layer& l, const Var& x, py::object x_dropout, nn::LayerContext* ctx) {
        AtUser at;
        nn::LayerContext local;
        const Var xd = x_dropout.is_none() ? x : x_dropout.cast<Var>();
        const nn::Paths p = l.apply({x, xd}, ctx ? *ctx : local);
        return py::make_tuple(p.eval, p.train);
      }, py::arg("x"), py::arg("x_dropout") = py::none(), py::arg("ctx") = nullptr,
         "(output, output_dropout) for the input paths (x_dropout defaults to x).")
      .def("__call__", [](nn::Layer& l, const Var& x) { AtUser at; return l(x); }, py::arg("x"),
           "The evaluation path alone.")
      .def_property_readonly("inputs", [](const nn::Layer& l) { return py::make_tuple(l.in.eval, l.in.train); },
                             "The last apply's input as the layer used it (reshaped; masked on the training path).")
      .def_property_readonly("outputs", [](const nn::Layer& l) { return py::make_tuple(l.out.eval, l.out.train); });
  common_layer_methods(layer);

  py::class_<FullyConnected, nn::Layer, std::shared_ptr<FullyConnected>>(nn, "FullyConnected",
                             "a = act(x W^T + b) for x of shape (batch, n_in); W (n_out, n_in) and b (n_out,) "
                             "are shared variables. Call it on a Var to get the output Var. p_dropout: network3's "
                             "dropout on the layer's inputs (training path), (1 - p) scaling on the evaluation path.")
      .def(py::init([](int64_t n_in, int64_t n_out, py::handle activation, const std::string& init, py::handle rng,
                       const std::string& name, double p_dropout) {
        AtUser at;
        const nn::Activation act = activation_from(activation);
        const nn::Init how = nn::init_from_name(init);
        auto layer = std::make_shared<FullyConnected>(n_in, n_out, act, p_dropout, name);
        with_rng(rng, [&](Rng& r) { layer->initialize(r, how); return 0; });
        return layer;
      }), py::arg("n_in"), py::arg("n_out"), py::arg("activation") = "sigmoid", py::arg("init") = "default",
          py::arg("rng") = py::none(), py::arg("name") = "fc", py::arg("p_dropout") = 0.0,
          "init: 'default' (W ~ N(0, 1/sqrt(n_in)), b ~ N(0, 1)), 'large' (all N(0, 1)), 'zeros' or 'network3' "
          "(W ~ N(0, sqrt(1/n_out))); activation: a name or one of nabla.nn's activation functions.")
      .def("__call__", [](const FullyConnected& l, const Var& x) { AtUser at; return l(x); }, py::arg("x"))
      .def("weighted_input", [](const FullyConnected& l, const Var& x) { AtUser at; return l.weighted_input(x); },
           py::arg("x"), "z = x W^T + b")
      .def("initialize", [](FullyConnected& l, const std::string& init, py::handle rng) {
        const nn::Init how = nn::init_from_name(init);
        RunLock lock;
        with_rng(rng, [&](Rng& r) { l.initialize(r, how); return 0; });
      }, py::arg("init") = "default", py::arg("rng") = py::none(), "Draws new values for W and b.")
      .def_readonly("W", &FullyConnected::W)
      .def_readonly("b", &FullyConnected::b)
      .def_property_readonly("params", &FullyConnected::params, "[W, b]")
      .def_property_readonly("weights", &FullyConnected::weights, "[W] (what L2 / L1 penalize)")
      .def_property_readonly("n_in", &FullyConnected::n_in)
      .def_property_readonly("n_out", &FullyConnected::n_out)
      .def_property_readonly("activation", [](const FullyConnected& l) { return nn::activation_name(l.activation()); })
      .def_property_readonly("p_dropout", &FullyConnected::p_dropout)
      .def_property_readonly("w", [](const FullyConnected& l) { return l.W; }, "W, by network3's name")
      .def("__repr__", [](const FullyConnected& l) { return "<nabla.nn." + l.describe() + ">"; });

  py::class_<nn::Softmax, FullyConnected, std::shared_ptr<nn::Softmax>>(
      nn, "Softmax", "The softmax output layer (network3's SoftmaxLayer): starts at zeros unless init says otherwise.")
      .def(py::init([](int64_t n_in, int64_t n_out, double p_dropout, const std::string& init, const std::string& name) {
        AtUser at;
        return std::make_shared<nn::Softmax>(n_in, n_out, p_dropout, nn::init_from_name(init), name);
      }), py::arg("n_in"), py::arg("n_out"), py::arg("p_dropout") = 0.0, py::arg("init") = "zeros",
          py::arg("name") = "softmax");

  py::class_<nn::Conv2D, nn::Layer, std::shared_ptr<nn::Conv2D>> conv(
      nn, "Conv2D", "act(conv2d(x, w) + b); filter_shape (n_filters, channels, fh, fw), image_shape (batch or -1, "
                    "channels, H, W). Zeros until initialize().");
  conv.def(py::init([](const std::vector<int64_t>& filter_shape, const std::vector<int64_t>& image_shape,
                       py::handle activation, bool flip) {
        AtUser at;
        return std::make_shared<nn::Conv2D>(shape4(filter_shape, "filter_shape"), shape4(image_shape, "image_shape"),
                                            activation_from(activation), flip);
      }), py::arg("filter_shape"), py::arg("image_shape"), py::arg("activation") = "linear", py::arg("flip") = true)
      .def_readonly("w", &nn::Conv2D::w)
      .def_readonly("b", &nn::Conv2D::b)
      .def_property_readonly("params", &nn::Conv2D::params)
      .def_property_readonly("weights", &nn::Conv2D::weights);
  common_layer_methods(conv);

  py::class_<nn::MaxPool2D, nn::Layer, std::shared_ptr<nn::MaxPool2D>> pool(nn, "MaxPool2D",
                                                                           "Max-pooling of (batch, maps, H, W).");
  pool.def(py::init([](const std::vector<int64_t>& poolsize) {
         return std::make_shared<nn::MaxPool2D>(shape2(poolsize, "poolsize"));
       }), py::arg("poolsize") = std::vector<int64_t>{2, 2})
      .def_property_readonly("params", &nn::MaxPool2D::params);
  common_layer_methods(pool);

  py::class_<nn::ConvPool, nn::Conv2D, std::shared_ptr<nn::ConvPool>>(
      nn, "ConvPool", "network3's ConvPoolLayer: act(max_pool(conv2d(x, w)) + b).")
      .def(py::init([](const std::vector<int64_t>& filter_shape, const std::vector<int64_t>& image_shape,
                       const std::vector<int64_t>& poolsize, py::handle activation, bool flip) {
        AtUser at;
        return std::make_shared<nn::ConvPool>(shape4(filter_shape, "filter_shape"), shape4(image_shape, "image_shape"),
                                              shape2(poolsize, "poolsize"), activation_from(activation), flip);
      }), py::arg("filter_shape"), py::arg("image_shape"), py::arg("poolsize") = std::vector<int64_t>{2, 2},
          py::arg("activation") = "sigmoid", py::arg("flip") = true)
      .def_property_readonly("n_out", &nn::ConvPool::n_out);
}

}  // namespace nabla::python
