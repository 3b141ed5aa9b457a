// network3's Network3 (nn/book/network3.hpp) over any nabla.nn.Layer, built-in
// or written in Python. SGD runs without the GIL, taking it back between
// epochs (Ctrl-C, on_epoch) and whenever a Python layer is asked something.
#include "bindings.hpp"
#include "nn/book/network3.hpp"
#include "nn_names.hpp"

namespace nabla::python {

namespace {

using namespace nabla::nn;

// network3 spells the 1/sqrt(fan-in) correction "corrected": the library's "default".
nn::Init network3_init(const std::string& name) { return name == "corrected" ? nn::Init::Default : nn::init_from_name(name); }

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
      .def(py::init([](std::vector<LayerPtr> layers, int64_t mini_batch_size, uint64_t seed,
                       const std::string& init) {
        AtUser at;
        RunLock lock;
        return Network3(std::move(layers), mini_batch_size, seed, network3_init(init));
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
        n.initialize(seed, network3_init(init));
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
      .def_readonly("y_out", &Network3::y_out)
      .def("describe", &Network3::describe);
}

}  // namespace nabla::python
