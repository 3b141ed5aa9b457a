// Optimizers and schedules (optim/): optimizer.updates(params, grads) returns
// (shared variable, new value) pairs for nabla.function(updates=...); the
// learning rate is a shared scalar, so changing it needs no recompile.
#include "bindings.hpp"
#include "optim/callbacks.hpp"
#include "optim/checkpoint_summary.hpp"
#include "optim/optimizers.hpp"
#include "optim/trainer.hpp"
#include "optim/training.hpp"

namespace nabla::python {

namespace {

using namespace nabla::optim;

template <class O> using Holder = py::class_<O, Optimizer, std::shared_ptr<O>>;

SharedData shared_data_of(const Var& x, const py::object& y, int64_t size) {
  SharedData d;
  d.x = x;
  if (!y.is_none()) d.y = y.cast<Var>();
  d.size = size;
  if (x.role() != Role::Shared || (d.y.defined() && d.y.role() != Role::Shared))
    throw TypeError("nabla: Trainer: the data set's x and y must be shared variables (nabla.nn.SharedData)");
  return d;
}

// The C++ training loop, bound for nabla.nn.Trainer. The steps run without the
// GIL; Python callables (permutation, monitors, callbacks) take it back.
void bind_trainer(py::module_& m) {
  py::class_<EpochLog>(m, "EpochLog", "One epoch's record: training cost, seconds, learning rate, monitors.")
      .def_readonly("epoch", &EpochLog::epoch)
      .def_readonly("training_cost", &EpochLog::training_cost)
      .def_readonly("seconds", &EpochLog::seconds)
      .def_readonly("learning_rate", &EpochLog::learning_rate)
      .def_property_readonly("metrics", [](const EpochLog& e) {
        py::dict d;
        for (const auto& [name, v] : e.metrics) d[py::str(name)] = v;
        return d;
      })
      .def("__repr__", [](const EpochLog& e) {
        std::string s = "<EpochLog " + std::to_string(e.epoch) + ": cost " + std::to_string(e.training_cost);
        for (const auto& [name, v] : e.metrics) s += ", " + name + " " + std::to_string(v);
        return s + ">";
      });

  py::class_<Trainer, std::shared_ptr<Trainer>>(m, "Trainer", "optim::Trainer: the one mini-batch training loop.")
      .def(py::init([](const Var& x, const py::object& y, const Var& cost, const std::vector<Var>& params,
                       std::shared_ptr<Optimizer> optimizer, const Var& data_x, const py::object& data_y,
                       int64_t size, int64_t mini_batch_size, bool shuffle, py::object permutation, uint64_t seed,
                       bool train_tail, bool step_costs, bool verbose, const std::vector<Var>& extra_grads) {
        AtUser at;
        RunLock lock;
        Objective o;
        o.x = x;
        if (!y.is_none()) o.y = y.cast<Var>();
        o.cost = cost;
        o.params = params;
        o.extra_grads = extra_grads;
        TrainerOptions t;
        t.mini_batch_size = mini_batch_size;
        t.shuffle = shuffle;
        t.seed = seed;
        t.train_tail = train_tail;
        t.step_costs = step_costs;
        t.verbose = verbose;
        if (!permutation.is_none()) {
          auto f = std::make_shared<py::object>(permutation);
          t.permutation = [f](int64_t n) {
            py::gil_scoped_acquire gil;
            return py::array_t<int64_t, py::array::forcecast>((*f)(n)).cast<std::vector<int64_t>>();
          };
        }
        return std::make_shared<Trainer>(o, std::move(optimizer), shared_data_of(data_x, data_y, size), t);
      }), py::arg("x"), py::arg("y"), py::arg("cost"), py::arg("params"), py::arg("optimizer"), py::arg("data_x"),
          py::arg("data_y"), py::arg("size"), py::arg("mini_batch_size") = 10, py::arg("shuffle") = false,
          py::arg("permutation") = py::none(), py::arg("seed") = 12345678, py::arg("train_tail") = true,
          py::arg("step_costs") = true, py::arg("verbose") = false, py::arg("extra_grads") = std::vector<Var>{})
      .def("train_epoch", [](Trainer& t) {
        RunLock lock;
        py::gil_scoped_release release;
        return t.train_epoch();
      }, "One pass over the mini-batches; returns the mean cost.")
      .def("fit", [](Trainer& t, int epochs, py::object on_epoch) {
        Trainer::Callback also;
        if (!on_epoch.is_none())
          also = [&on_epoch](Trainer&, const EpochLog& log) {
            py::gil_scoped_acquire gil;
            if (PyErr_CheckSignals() != 0) throw py::error_already_set();
            py::object r = on_epoch(log);
            return r.is_none() || r.cast<bool>();
          };
        const size_t before = t.result().epochs.size();
        {
          RunLock lock;
          py::gil_scoped_release release;
          t.fit(epochs, also);
        }
        const auto& all = t.result().epochs;
        return std::vector<EpochLog>(all.begin() + long(before), all.end());
      }, py::arg("epochs"), py::arg("on_epoch") = py::none(),
         "epochs passes with the monitors after each; on_epoch(log) may return False to stop. Returns the logs.")
      .def("add_monitor", [](Trainer& t, const std::string& name, py::object fn) {
        auto f = std::make_shared<py::object>(fn);
        t.add_monitor(name, [f] {
          py::gil_scoped_acquire gil;
          return (*f)().cast<double>();
        });
      }, py::arg("name"), py::arg("monitor"), "monitor() -> float, called after every epoch.")
      .def("add_accuracy_monitor", [](Trainer& t, const std::string& name, const Var& output, const Var& data_x,
                                      const py::object& data_y, int64_t size, int64_t batch, bool drop_tail) {
        AtUser at;
        RunLock lock;
        t.add_accuracy_monitor(name, output, shared_data_of(data_x, data_y, size), batch, drop_tail);
      }, py::arg("name"), py::arg("output"), py::arg("data_x"), py::arg("data_y"), py::arg("size"),
         py::arg("batch") = 1000, py::arg("drop_tail") = false)
      .def("add_early_stopping", [](Trainer& t, const std::string& metric, int patience, bool verbose) {
        t.add_callback(early_stopping(metric, patience, verbose));
      }, py::arg("metric"), py::arg("patience"), py::arg("verbose") = false)
      .def("add_plateau_schedule", [](Trainer& t, const std::string& metric, int patience, double factor,
                                      double min_fraction, bool verbose) {
        t.add_callback(plateau_schedule(metric, patience, factor, min_fraction, verbose));
      }, py::arg("metric"), py::arg("patience") = 10, py::arg("factor") = 0.5, py::arg("min_fraction") = 1.0 / 128,
         py::arg("verbose") = false)
      .def("set_checkpoint", [](Trainer& t, const std::string& path) { t.set_checkpoint(path); }, py::arg("path"),
           "Write a checkpoint to path atomically after every epoch of fit (\"\" turns it off).")
      .def("save_checkpoint", [](const Trainer& t, const std::string& path) {
        RunLock lock;
        py::gil_scoped_release release;
        t.save_checkpoint(path);
      }, py::arg("path"))
      .def("load_checkpoint", [](Trainer& t, const std::string& path) {
        RunLock lock;
        py::gil_scoped_release release;
        t.load_checkpoint(path);
      }, py::arg("path"), "Restore a checkpoint of this network and data set; changes nothing when it is refused.")
      .def_property_readonly("logs", [](const Trainer& t) { return t.result().epochs; },
                             "Every epoch's log so far, those restored from a checkpoint included.")
      .def_property_readonly("steps_per_epoch", &Trainer::steps_per_epoch)
      .def_property_readonly("optimizer", [](Trainer& t) { return &t.optimizer(); }, py::return_value_policy::reference_internal);
}

}  // namespace

void bind_optim(py::module_& m) {
  m.def("checkpoint_summary", [](const std::string& path) {
    const CheckpointSummary s = summarize_checkpoint(path);
    py::list vars;
    for (const auto& v : s.variables)
      vars.append(py::dict(py::arg("name") = v.name, py::arg("dtype") = std::string(dtype_name(v.dtype)),
                           py::arg("shape") = py::tuple(py::cast(v.shape.vec())), py::arg("fnv1a") = v.fnv1a));
    return py::dict(py::arg("training_size") = s.training_size, py::arg("mini_batch_size") = s.mini_batch_size,
                    py::arg("epochs_done") = s.epochs_done, py::arg("steps_done") = s.steps_done,
                    py::arg("variables") = vars);
  }, py::arg("path"), "What a trainer checkpoint holds: sizes, epochs, steps, and each variable with a hash of its bytes.");

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
  bind_trainer(m);
}

}  // namespace nabla::python
