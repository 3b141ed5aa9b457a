// Compiled functions for Python. A call converts its arguments into buffers
// kept from the previous call, runs the C++ program without the GIL, and
// copies the outputs into new numpy arrays (the program's own results are
// views, valid only until its next call). This path is kept short: one
// mini-batch step from Python should cost only a few microseconds over C++.
//
// Threads: each function has a lock of its own (its argument buffers are
// reused), taken with the GIL released while waiting; the call itself runs
// without the GIL and locks the shared variables it touches (core/function.hpp),
// so different functions run in parallel and two functions updating the same
// shared variable apply their updates one whole call after the other.
#include <xmmintrin.h>

#include <chrono>
#include <cstdlib>

#include "bindings.hpp"

namespace nabla::python {

namespace {

// MXCSR's flush-to-zero and denormals-are-zero bits (what core/runtime.cpp sets).
constexpr unsigned kFlushDenormals = 0x8040;

bool flush_denormals() {
  static const bool keep = [] {
    const char* env = std::getenv("NABLA_DENORMALS");
    return env && std::string(env) == "1";
  }();
  return !keep;
}

std::recursive_mutex& run_mutex() {
  static std::recursive_mutex m;
  return m;
}

// Locks `m` with the GIL held by the caller, releasing the GIL while waiting.
template <class Mutex>
std::unique_lock<Mutex> lock_releasing_gil(Mutex& m) {
  std::unique_lock<Mutex> lock(m, std::try_to_lock);
  if (!lock.owns_lock()) {
    py::gil_scoped_release release;
    lock.lock();
  }
  return lock;
}

class PyFunction {
 public:
  PyFunction(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const Updates& updates,
             const Givens& givens, Mode mode, bool single_output, bool allow_downcast)
      : single_(single_output), allow_downcast_(allow_downcast), mode_(mode),
        user_inputs_(inputs), user_outputs_(outputs), user_updates_(updates), user_givens_(givens) {
    if (single_ && outputs.size() != 1) throw ValueError("nabla: a single-output function needs exactly one output");
    {
      RunLock lock;
      fn_ = function(inputs, outputs, updates, givens, mode);
    }
    for (size_t k = 0; k < inputs.size(); ++k)
      what_.push_back("function argument " + std::to_string(k) + " (" + inputs[k].label() + ")");
    args_.resize(inputs.size());
  }

  py::object call(const py::args& args, const py::kwargs& kwargs) {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();  // a Ctrl-C before the call
    std::vector<Tensor> out;
    {
      auto lock = lock_releasing_gil(mutex_);
      convert_args(args, kwargs);
      FloatModeScope float_mode;
      PyInterruptScope interruptible;
      py::gil_scoped_release release;
      out = fn_.call_copy(args_);  // copies taken under the shared variables' locks
    }
    if (single_) return array_view_of(out[0]);
    py::list results(out.size());
    for (size_t k = 0; k < out.size(); ++k) results[k] = array_view_of(out[k]);
    return std::move(results);
  }

  // Seconds for n calls made from C++ with the given arguments (converted once):
  // the baseline for measuring the Python call overhead.
  double cpp_seconds(int n, const py::args& args) {
    auto lock = lock_releasing_gil(mutex_);
    FloatModeScope float_mode;
    convert_args(args, py::kwargs());
    py::gil_scoped_release release;
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) fn_(args_);
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // Seconds for one "epoch" from C++: calls with index 0, 1, ..., batches-1 for a
  // function whose only input is an int64 scalar (a mini-batch index).
  double cpp_epoch_seconds(int64_t batches) {
    const std::vector<Var>& inputs = fn_.inputs();
    if (inputs.size() != 1 || inputs[0].dtype() != DType::Int64 || inputs[0].rank() != 0)
      throw TypeError("nabla: _cpp_epoch_seconds needs a function of one lscalar index");
    auto lock = lock_releasing_gil(mutex_);
    FloatModeScope float_mode;
    py::gil_scoped_release release;
    Tensor index(DType::Int64, Shape{});
    std::vector<Tensor> args{index};
    const auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < batches; ++i) {
      args[0].data<int64_t>()[0] = i;
      fn_(args);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  // What the function was made from (the graphs before rewrites): what pickling
  // keeps, the compiled program being rebuilt on load.
  py::tuple pickle_args() const {
    py::list updates, givens;
    for (const auto& [v, e] : user_updates_) updates.append(py::make_tuple(v, e));
    for (const auto& [v, e] : user_givens_) givens.append(py::make_tuple(v, e));
    return py::make_tuple(user_inputs_, user_outputs_, updates, givens, mode_, single_, allow_downcast_);
  }

  const Function& fn() const { return fn_; }
  Function& fn() { return fn_; }

 private:
  void convert_args(const py::args& args, const py::kwargs& kwargs) {
    const std::vector<Var>& inputs = fn_.inputs();
    const size_t n = args.size() + (kwargs ? kwargs.size() : 0);
    if (n != inputs.size()) throw py::type_error(count_message(n));
    for (size_t k = 0; k < args.size(); ++k)
      convert_into(args_[k], args[k], Slot{inputs[k].dtype(), &inputs[k].shape(), what_[k]}, allow_downcast_);
    if (!kwargs || kwargs.empty()) return;
    std::vector<bool> given(inputs.size(), false);
    for (size_t k = 0; k < args.size(); ++k) given[k] = true;
    for (auto [key, value] : kwargs) {
      const std::string name = py::str(key).cast<std::string>();
      size_t k = 0;
      while (k < inputs.size() && inputs[k].name() != name) ++k;
      if (k == inputs.size()) throw py::type_error("nabla function: no input is named '" + name + "'");
      if (given[k]) throw py::type_error("nabla function: input '" + name + "' is given twice");
      given[k] = true;
      convert_into(args_[k], value, Slot{inputs[k].dtype(), &inputs[k].shape(), what_[k]}, allow_downcast_);
    }
  }

  std::string count_message(size_t got) const {
    std::string names;
    for (size_t k = 0; k < fn_.inputs().size(); ++k) names += (k ? ", " : "") + fn_.inputs()[k].label();
    return "nabla function expects " + std::to_string(fn_.inputs().size()) + " argument(s) (" + names + "), got " +
           std::to_string(got);
  }

  Function fn_;
  std::mutex mutex_;               // one call at a time: args_ is reused
  std::vector<std::string> what_;  // how messages name each argument
  std::vector<Tensor> args_;       // argument buffers, reused from call to call
  bool single_;
  bool allow_downcast_;
  Mode mode_;
  std::vector<Var> user_inputs_, user_outputs_;
  Updates user_updates_;
  Givens user_givens_;
};

py::dict stats_dict(const PlanStats& s) {
  py::dict d;
  d["steps"] = s.steps;
  d["slots"] = s.slots;
  d["bytes"] = s.bytes;
  d["calls"] = s.calls;
  d["allocations"] = s.allocations;
  d["last_call_allocations"] = s.last_call_allocations;
  d["inplace_steps"] = s.inplace_steps;
  d["view_steps"] = s.view_steps;
  d["compile_seconds"] = s.compile_seconds;
  py::list phases;  // Theano's optimizer profile: per phase, what fired and how long it took
  for (const PhaseStats& p : s.phases) {
    py::dict ph;
    ph["phase"] = p.phase;
    ph["seconds"] = p.seconds;
    ph["sweeps"] = p.sweeps;
    py::dict fired;
    for (const auto& [name, n] : p.rewrites) fired[py::str(name)] = n;
    ph["rewrites"] = fired;
    phases.append(ph);
  }
  d["phases"] = phases;
  return d;
}

}  // namespace

FloatModeScope::FloatModeScope() : saved_float_mode_(_mm_getcsr()) {
  if (flush_denormals()) _mm_setcsr(saved_float_mode_ | kFlushDenormals);
}

FloatModeScope::~FloatModeScope() { _mm_setcsr(saved_float_mode_); }

RunLock::RunLock() : lock_(lock_releasing_gil(run_mutex())) {}

void init_runtime_keeping_float_mode() {
  const unsigned mode = _mm_getcsr();
  num_threads();  // ensure_runtime_initialized(): sets FTZ/DAZ for the calling thread
  _mm_setcsr(mode);
}

void bind_function(py::module_& m) {
  py::enum_<Mode>(m, "Mode")
      .value("FAST_RUN", Mode::FastRun)
      .value("FAST_COMPILE", Mode::FastCompile)
      .value("DEBUG", Mode::Debug)
      .value("NAN_GUARD", Mode::NanGuard);

  py::class_<PyFunction>(m, "Function", py::dynamic_attr(),
                         "A compiled nabla function; call it with numpy arrays or numbers.")
      .def(py::init<const std::vector<Var>&, const std::vector<Var>&, const Updates&, const Givens&, Mode, bool, bool>(),
           py::arg("inputs"), py::arg("outputs"), py::arg("updates"), py::arg("givens"), py::arg("mode"),
           py::arg("single_output"), py::arg("allow_input_downcast"))
      .def("__call__", &PyFunction::call)
      .def_property_readonly("_pickle_args", &PyFunction::pickle_args,
                             "(inputs, outputs, updates, givens, mode, single_output, allow_input_downcast) as given.")
      .def_property_readonly("inputs", [](const PyFunction& f) { return f.fn().inputs(); })
      .def_property_readonly("outputs", [](const PyFunction& f) { return f.fn().outputs(); },
                             "The output Vars after rewrites.")
      .def("stats", [](const PyFunction& f) { return stats_dict(f.fn().stats()); },
           "Steps, buffers, allocations and in-place/view steps of the compiled program, the compile time, and\n"
           "per compile phase (in pipeline order) the rewrites that fired and the seconds it took.")
      .def("enable_profile", [](PyFunction& f, bool on) { f.fn().enable_profile(on); }, py::arg("on") = true,
           "Time every step of later calls (function(..., profile=True) turns it on at once).")
      .def("profile_text", [](const PyFunction& f) { return f.fn().profile_text(); },
           "Seconds per op and the slowest steps, with the line that built each, over the profiled calls.")
      .def("program_text", [](const PyFunction& f) { return f.fn().program_text(); },
           "The compiled program, one line per step.")
      .def("debugprint", [](const PyFunction& f) { return debugprint(f.fn()); },
           "The optimized graph as an indented tree (nabla.printing.debugprint prints it).")
      .def("to_dot", [](const PyFunction& f) { return to_dot(f.fn()); }, "The optimized graph in Graphviz dot.")
      .def("rewrites_applied", [](const PyFunction& f) { return f.fn().rewrites_applied(); })
      .def("_cpp_seconds", &PyFunction::cpp_seconds, "Seconds for n calls made from C++ (overhead baseline).")
      .def("_cpp_epoch_seconds", &PyFunction::cpp_epoch_seconds,
           "Seconds for calls with index 0..batches-1 made from C++ (epoch baseline).");

  m.def("set_num_threads", &set_num_threads, "Threads used by nabla's kernels.");
  m.def("num_threads", &num_threads);
}

}  // namespace nabla::python
