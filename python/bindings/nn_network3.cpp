// network3's layers and Network3 (nn/network3.hpp). Layer3 can be subclassed
// in Python: set_inpt builds self.output / self.output_dropout from nabla ops
// and the layer then trains inside Network3 like the built-in ones. SGD runs
// without the GIL, taking it back between epochs (Ctrl-C, on_epoch).
#include "bindings.hpp"
#include "nn/network3.hpp"
#include "nn_names.hpp"

namespace nabla::python {

namespace {

using namespace nabla::nn;

// Python subclasses of Layer3 override set_inpt, initialize and describe.
class PyLayer3 : public Layer3 {
 public:
  void set_inpt(const Var& inpt, const Var& inpt_dropout, int64_t mini_batch_size, RandomStreams& srng) override {
    PYBIND11_OVERRIDE_PURE(void, Layer3, set_inpt, inpt, inpt_dropout, mini_batch_size, srng);
  }
  void initialize(Rng& rng, Network3Init init) override {
    PYBIND11_OVERRIDE_PURE(void, Layer3, initialize, rng, std::string(network3_init_name(init)));
  }
  // A Python layer without its own describe() is described by its class name.
  std::string describe() const override {
    py::gil_scoped_acquire gil;
    if (py::function f = py::get_override(static_cast<const Layer3*>(this), "describe")) return f().cast<std::string>();
    return py::str(py::cast(this).get_type().attr("__name__")).cast<std::string>();
  }
};

std::array<int64_t, 4> shape4(const std::vector<int64_t>& s, const char* what) {
  if (s.size() != 4) throw ValueError(std::string("nabla: ConvPoolLayer: ") + what + " needs 4 numbers");
  return {s[0], s[1], s[2], s[3]};
}

// Between epochs, with the GIL released: takes it, lets Python raise
// KeyboardInterrupt, then asks the user's callback (None or True: go on).
bool between_epochs(const py::object& callback, int epoch, const Network3Result& r) {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  if (callback.is_none()) return true;
  py::object keep_going = callback(epoch, r);
  return keep_going.is_none() || keep_going.cast<bool>();
}

Network3Result run_sgd(Network3& net, const Split& training, int epochs, int64_t mini_batch_size, double eta,
                       const Split& validation, const Split& test, double lmbda, bool verbose, bool test_every_epoch,
                       const py::object& on_epoch) {
  Network3Options o;
  o.verbose = verbose;
  o.test_every_epoch = test_every_epoch;
  o.on_epoch = [&on_epoch](int epoch, const Network3Result& r) { return between_epochs(on_epoch, epoch, r); };
  py::module_::import("sys").attr("stdout").attr("flush")();
  RunLock lock;
  py::gil_scoped_release release;
  return net.SGD(training, epochs, mini_batch_size, eta, validation, test, lmbda, o);
}

}  // namespace

void bind_nn_network3(py::module_& nn) {
  py::class_<Layer3, PyLayer3, std::shared_ptr<Layer3>>(
      nn, "Layer3", py::dynamic_attr(),
      "A network3 layer. Subclass it in Python: set_inpt(inpt, inpt_dropout, mini_batch_size, srng) sets "
      "self.output and self.output_dropout (and self.y_out for an output layer); self.w and self.b are its "
      "shared parameters; initialize(rng, init) draws their values.")
      .def(py::init<>())
      .def("set_inpt", &Layer3::set_inpt, py::arg("inpt"), py::arg("inpt_dropout"), py::arg("mini_batch_size"),
           py::arg("srng"))
      .def("describe", &Layer3::describe)
      .def("accuracy", [](const Layer3& l, const Var& y) { AtUser at; return l.accuracy(y); }, py::arg("y"))
      .def_property_readonly("params", &Layer3::params)
      .def_readwrite("w", &Layer3::w)
      .def_readwrite("b", &Layer3::b)
      .def_readwrite("inpt", &Layer3::inpt)
      .def_readwrite("inpt_dropout", &Layer3::inpt_dropout)
      .def_readwrite("output", &Layer3::output)
      .def_readwrite("output_dropout", &Layer3::output_dropout)
      .def_readwrite("y_out", &Layer3::y_out)
      .def("__repr__", [](const Layer3& l) { return "<nabla.nn." + l.describe() + ">"; });

  py::class_<ConvPoolLayer, Layer3, std::shared_ptr<ConvPoolLayer>>(nn, "ConvPoolLayer")
      .def(py::init([](const std::vector<int64_t>& filter_shape, const std::vector<int64_t>& image_shape,
                       const std::vector<int64_t>& poolsize, py::handle activation_fn, bool flip) {
        if (poolsize.size() != 2) throw ValueError("nabla: ConvPoolLayer: poolsize needs 2 numbers");
        return std::make_shared<ConvPoolLayer>(shape4(filter_shape, "filter_shape"), shape4(image_shape, "image_shape"),
                                               std::array<int64_t, 2>{poolsize[0], poolsize[1]},
                                               activation_from(activation_fn), flip);
      }), py::arg("filter_shape"), py::arg("image_shape"), py::arg("poolsize") = std::vector<int64_t>{2, 2},
          py::arg("activation_fn") = "sigmoid", py::arg("flip") = true)
      .def_property_readonly("n_out", &ConvPoolLayer::n_out);
  py::class_<FullyConnectedLayer, Layer3, std::shared_ptr<FullyConnectedLayer>>(nn, "FullyConnectedLayer")
      .def(py::init([](int64_t n_in, int64_t n_out, py::handle activation_fn, double p_dropout) {
        return std::make_shared<FullyConnectedLayer>(n_in, n_out, activation_from(activation_fn), p_dropout);
      }), py::arg("n_in"), py::arg("n_out"), py::arg("activation_fn") = "sigmoid", py::arg("p_dropout") = 0.0);
  py::class_<SoftmaxLayer, Layer3, std::shared_ptr<SoftmaxLayer>>(nn, "SoftmaxLayer")
      .def(py::init<int64_t, int64_t, double>(), py::arg("n_in"), py::arg("n_out"), py::arg("p_dropout") = 0.0)
      .def("cost", [](const SoftmaxLayer& l, const Var& y) { AtUser at; return l.cost(y); }, py::arg("y"));

  py::class_<Network3Result>(nn, "Network3Result", "What Network3.SGD measured; accuracies are fractions.")
      .def_readonly("validation_accuracy", &Network3Result::validation_accuracy)
      .def_readonly("test_accuracy", &Network3Result::test_accuracy)
      .def_readonly("training_cost", &Network3Result::training_cost)
      .def_readonly("epoch_seconds", &Network3Result::epoch_seconds)
      .def_readonly("best_validation_accuracy", &Network3Result::best_validation_accuracy)
      .def_readonly("best_iteration", &Network3Result::best_iteration)
      .def_readonly("best_epoch", &Network3Result::best_epoch)
      .def_readonly("test_accuracy_at_best", &Network3Result::test_accuracy_at_best)
      .def_readonly("epochs_run", &Network3Result::epochs_run);

  py::class_<Network3>(nn, "Network3", "network3's Network: layers wired by set_inpt, trained by SGD in C++.")
      .def(py::init([](std::vector<std::shared_ptr<Layer3>> layers, int64_t mini_batch_size, uint64_t seed,
                       const std::string& init) {
        AtUser at;
        RunLock lock;
        return Network3(std::move(layers), mini_batch_size, seed, network3_init_from_name(init));
      }), py::arg("layers"), py::arg("mini_batch_size"), py::arg("seed") = 12345678, py::arg("init") = "network3")
      .def("SGD", &run_sgd, py::arg("training_data"), py::arg("epochs"), py::arg("mini_batch_size"), py::arg("eta"),
           py::arg("validation_data"), py::arg("test_data"), py::arg("lmbda") = 0.0, py::arg("verbose") = true,
           py::arg("test_every_epoch") = true, py::arg("on_epoch") = py::none())
      .def("accuracy", [](Network3& n, const Split& data) {
        RunLock lock;
        py::gil_scoped_release release;
        return n.accuracy(data);
      }, py::arg("data"), "Mean of the mini-batch accuracies, as network3.")
      .def("predictions", [](Network3& n, const Split& data) {
        std::vector<int32_t> p;
        {
          RunLock lock;
          py::gil_scoped_release release;
          p = n.predictions(data);
        }
        return py::array_t<int32_t>(py::ssize_t(p.size()), p.data());
      }, py::arg("data"))
      .def("initialize", [](Network3& n, uint64_t seed, const std::string& init) {
        RunLock lock;
        n.initialize(seed, network3_init_from_name(init));
      }, py::arg("seed"), py::arg("init") = "network3")
      .def("cost", [](const Network3& n, double lmbda, int64_t batches) { AtUser at; return n.cost(lmbda, batches); },
           py::arg("lmbda"), py::arg("num_training_batches"))
      .def_property_readonly("layers", &Network3::layers)
      .def_property_readonly("params", &Network3::params)
      .def_property_readonly("mini_batch_size", &Network3::mini_batch_size)
      .def_readonly("x", &Network3::x)
      .def_readonly("y", &Network3::y)
      .def_readonly("output", &Network3::output)
      .def_readonly("output_dropout", &Network3::output_dropout)
      .def("describe", &Network3::describe);
}

}  // namespace nabla::python
