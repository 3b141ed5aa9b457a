// Optimizers and schedules (optim/): optimizer.updates(params, grads) returns
// (shared variable, new value) pairs for nabla.function(updates=...); the
// learning rate is a shared scalar, so changing it needs no recompile.
#include "bindings.hpp"
#include "optim/optimizers.hpp"
#include "optim/training.hpp"

namespace nabla::python {

namespace {

using namespace nabla::optim;

template <class O> using Holder = py::class_<O, Optimizer, std::shared_ptr<O>>;

}  // namespace

void bind_optim(py::module_& m) {
  py::class_<Optimizer, std::shared_ptr<Optimizer>>(m, "Optimizer",
                                                    "Symbolic updates for parameters given their gradients.")
      .def("updates", [](Optimizer& o, const std::vector<Var>& params, const std::vector<Var>& grads) {
        AtUser at;
        return o.updates(params, grads);
      }, py::arg("params"), py::arg("grads"),
         "(param, new value) pairs, plus the optimizer's state updates; call once per compiled function.")
      .def_property("learning_rate", [](const Optimizer& o) { RunLock lock; return o.learning_rate(); },
                    [](Optimizer& o, double eta) { RunLock lock; o.set_learning_rate(eta); })
      .def_property_readonly("learning_rate_var", &Optimizer::learning_rate_var,
                             "The float32 shared scalar holding the learning rate.")
      .def("reset_state", [](Optimizer& o) { RunLock lock; o.reset_state(); },
           "Zeroes velocities, moment estimates and the step count.")
      .def_property_readonly("name", &Optimizer::name)
      .def("__repr__", [](const Optimizer& o) {
        return "<nabla.nn." + o.name() + " learning_rate=" + std::to_string(o.learning_rate()) + ">";
      });

  Holder<SGD>(m, "SGD", "p <- p - eta g").def(py::init<double>(), py::arg("eta"));
  Holder<Momentum>(m, "Momentum", "v <- mu v - eta g; p <- p + v")
      .def(py::init<double, double>(), py::arg("eta"), py::arg("mu") = 0.9)
      .def_readonly("mu", &Momentum::mu);
  Holder<Nesterov>(m, "Nesterov", "v <- mu v - eta g; p <- p + mu v_new - eta g")
      .def(py::init<double, double>(), py::arg("eta"), py::arg("mu") = 0.9)
      .def_readonly("mu", &Nesterov::mu);
  Holder<Adagrad>(m, "Adagrad", "r <- r + g^2; p <- p - eta g / (sqrt(r) + eps)")
      .def(py::init<double, double>(), py::arg("eta"), py::arg("eps") = 1e-8)
      .def_readonly("eps", &Adagrad::eps);
  Holder<RMSProp>(m, "RMSProp", "r <- rho r + (1-rho) g^2; p <- p - eta g / (sqrt(r) + eps)")
      .def(py::init<double, double, double>(), py::arg("eta"), py::arg("rho") = 0.9, py::arg("eps") = 1e-8)
      .def_readonly("rho", &RMSProp::rho)
      .def_readonly("eps", &RMSProp::eps);
  Holder<Adam>(m, "Adam", "Kingma & Ba, with bias correction")
      .def(py::init<double, double, double, double>(), py::arg("eta") = 1e-3, py::arg("beta1") = 0.9,
           py::arg("beta2") = 0.999, py::arg("eps") = 1e-8)
      .def_readonly("beta1", &Adam::beta1)
      .def_readonly("beta2", &Adam::beta2)
      .def_readonly("eps", &Adam::eps);
  m.def("make_optimizer", &make_optimizer, py::arg("name"), py::arg("eta"), py::arg("mu") = 0.9,
        "An optimizer by name: sgd, momentum, nesterov, adagrad, rmsprop, adam.");

  py::class_<EarlyStopping>(m, "EarlyStopping",
                            "No-improvement-in-n: feed update(metric) once per epoch (higher is better).")
      .def(py::init<int>(), py::arg("patience"))
      .def("update", &EarlyStopping::update, py::arg("metric"))
      .def_property_readonly("should_stop", &EarlyStopping::should_stop)
      .def_property_readonly("best", &EarlyStopping::best)
      .def_property_readonly("best_epoch", &EarlyStopping::best_epoch)
      .def_property_readonly("epochs_seen", &EarlyStopping::epochs_seen);

  py::class_<PlateauSchedule>(m, "PlateauSchedule",
                              "Halve eta after each no-improvement-in-n; done once eta fell to eta0 * min_fraction.")
      .def(py::init<double, int, double, double>(), py::arg("eta0"), py::arg("patience") = 10,
           py::arg("factor") = 0.5, py::arg("min_fraction") = 1.0 / 128)
      .def("update", &PlateauSchedule::update, py::arg("metric"), "Returns the eta for the next epoch.")
      .def_property_readonly("learning_rate", &PlateauSchedule::learning_rate)
      .def_property_readonly("done", &PlateauSchedule::done)
      .def_property_readonly("reductions", &PlateauSchedule::reductions);
}

}  // namespace nabla::python
