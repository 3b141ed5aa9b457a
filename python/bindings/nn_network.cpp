// network2's Network (nn/network2.hpp). SGD runs its whole loop in C++
// without the GIL; between epochs it takes the GIL back to check for Ctrl-C
// and to call the optional on_epoch callback. The Python class
// nabla.nn.Network wraps this one with network2's spelling.
#include "bindings.hpp"
#include "nn/book/network2.hpp"
#include "nn_names.hpp"
#include "optim/optimizers.hpp"

namespace nabla::python {

namespace {

using nn::Network;
using nn::SGDOptions;
using nn::SGDResult;
using nn::Split;

nn::Regularization regularization_from(const std::string& name) {
  if (name == "L2" || name == "l2") return nn::Regularization::L2;
  if (name == "L1" || name == "l1") return nn::Regularization::L1;
  throw ValueError("nabla: Network.SGD: regularization must be 'L2' or 'L1', got '" + name + "'");
}

// Called between epochs with the GIL released: takes it, lets Python raise
// KeyboardInterrupt, then asks the user's callback (None or True: go on).
bool between_epochs(const py::object& callback, int epoch, const SGDResult& result) {
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
  if (callback.is_none()) return true;
  py::object keep_going = callback(epoch, result);
  return keep_going.is_none() || keep_going.cast<bool>();
}

SGDResult run_sgd(Network& net, const Split& training, int epochs, int64_t mini_batch_size, double eta, double lmbda,
                  const std::string& regularization, const Split* evaluation, bool monitor_evaluation_cost,
                  bool monitor_evaluation_accuracy, bool monitor_training_cost, bool monitor_training_accuracy,
                  std::shared_ptr<optim::Optimizer> optimizer, int early_stopping, int schedule_patience, bool verbose,
                  const py::object& on_epoch) {
  SGDOptions o;
  o.lmbda = lmbda;
  o.regularization = regularization_from(regularization);
  o.evaluation = evaluation;
  o.monitor_evaluation_cost = monitor_evaluation_cost;
  o.monitor_evaluation_accuracy = monitor_evaluation_accuracy;
  o.monitor_training_cost = monitor_training_cost;
  o.monitor_training_accuracy = monitor_training_accuracy;
  o.optimizer = std::move(optimizer);
  o.early_stopping = early_stopping;
  o.schedule_patience = schedule_patience;
  o.verbose = verbose;
  o.on_epoch = [&on_epoch](int epoch, const SGDResult& r) { return between_epochs(on_epoch, epoch, r); };
  // Python's own buffered output first, so the C++ lines come after it.
  py::module_::import("sys").attr("stdout").attr("flush")();
  RunLock lock;
  py::gil_scoped_release release;
  return net.SGD(training, epochs, mini_batch_size, eta, o);
}

}  // namespace

void bind_nn_network(py::module_& nn) {
  py::class_<SGDResult>(nn, "SGDResult", "What Network.SGD monitored; accuracies are counts, as in network2.")
      .def_readonly("evaluation_cost", &SGDResult::evaluation_cost)
      .def_readonly("evaluation_accuracy", &SGDResult::evaluation_accuracy)
      .def_readonly("training_cost", &SGDResult::training_cost)
      .def_readonly("training_accuracy", &SGDResult::training_accuracy)
      .def_readonly("epoch_seconds", &SGDResult::epoch_seconds, "Training seconds per epoch, monitoring excluded.")
      .def_readonly("learning_rate", &SGDResult::learning_rate, "eta used in each epoch.")
      .def_readonly("epochs_run", &SGDResult::epochs_run);

  py::class_<Network>(nn, "Network", "network2's Network: fully connected layers trained by mini-batch SGD.")
      .def(py::init([](std::vector<int64_t> sizes, py::handle cost, uint64_t seed, py::handle activation) {
        AtUser at;
        return Network(std::move(sizes), cost_from(cost), seed, activation_from(activation));
      }), py::arg("sizes"), py::arg("cost") = "CrossEntropyCost", py::arg("seed") = 12345678,
          py::arg("activation") = "sigmoid")
      .def("default_weight_initializer", [](Network& n) { RunLock lock; n.default_weight_initializer(); })
      .def("large_weight_initializer", [](Network& n) { RunLock lock; n.large_weight_initializer(); })
      .def("SGD", &run_sgd, py::arg("training_data"), py::arg("epochs"), py::arg("mini_batch_size"), py::arg("eta"),
           py::arg("lmbda") = 0.0, py::arg("regularization") = "L2", py::arg("evaluation_data") = nullptr,
           py::arg("monitor_evaluation_cost") = false, py::arg("monitor_evaluation_accuracy") = false,
           py::arg("monitor_training_cost") = false, py::arg("monitor_training_accuracy") = false,
           py::arg("optimizer") = nullptr, py::arg("early_stopping") = 0, py::arg("schedule_patience") = 0,
           py::arg("verbose") = true, py::arg("on_epoch") = py::none())
      .def("feedforward", [](Network& n, py::handle x) {
        Tensor in = tensor_from_array(x);
        RunLock lock;
        Tensor out;
        {
          py::gil_scoped_release release;
          out = n.feedforward(in);
        }
        return array_from_tensor(out);
      }, py::arg("x"), "Outputs for float32 x of shape (n, sizes[0]) or (sizes[0],).")
      .def("accuracy", [](Network& n, const Split& data) {
        RunLock lock;
        py::gil_scoped_release release;
        return n.accuracy(data);
      }, py::arg("data"), "How many examples the network classifies correctly (argmax).")
      .def("total_cost", [](Network& n, const Split& data, double lmbda, const std::string& regularization) {
        const nn::Regularization r = regularization_from(regularization);
        RunLock lock;
        py::gil_scoped_release release;
        return n.total_cost(data, lmbda, r);
      }, py::arg("data"), py::arg("lmbda") = 0.0, py::arg("regularization") = "L2",
         "network2.total_cost: mean cost + the penalty divided by len(data).")
      .def("save", [](const Network& n, const std::string& path) { RunLock lock; n.save(path); }, py::arg("filename"),
           "network2's JSON file (sizes, weights, biases, cost).")
      .def_static("load", [](const std::string& path) { RunLock lock; return Network::load(path); },
                  py::arg("filename"))
      .def_property_readonly("sizes", &Network::sizes)
      .def_property_readonly("cost", [](const Network& n) { return std::string(nn::cost_class_name(n.cost())); })
      .def_property_readonly("layers", [](Network& n) { return n.layers(); },
                             "The FullyConnected layers (their W and b are the network's own shared variables).")
      .def_property_readonly("params", &Network::params)
      .def_property_readonly("rng", [](Network& n) -> nn::Rng& { return n.rng(); }, py::return_value_policy::reference_internal);
}

}  // namespace nabla::python
