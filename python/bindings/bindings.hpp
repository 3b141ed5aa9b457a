// Shared declarations of the pybind11 module nabla._nabla: numpy conversion,
// the user's source location, and one bind_* function per area.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <mutex>
#include <string>

#include "core/core.hpp"
#include "core/interrupt.hpp"
#include "ops/ops.hpp"

namespace py = pybind11;

namespace nabla::python {

// ---- numpy <-> Tensor (tensors.cpp) ---------------------------------------------
// The nabla dtype of a numpy dtype; TypeError for dtypes nabla has no kernels for.
DType dtype_from_numpy(const py::dtype& dt);
py::dtype numpy_dtype(DType t);
// "float32", np.float32, np.dtype(...) -> DType (Python's TypeError when unknown).
DType dtype_from_object(py::handle obj);
// A deep copy of any array-like whose dtype nabla supports.
Tensor tensor_from_array(py::handle value);
// A fresh numpy array holding a copy of t.
py::array array_from_tensor(const Tensor& t);
// A numpy array sharing t's buffer (kept alive by the array).
py::array array_view_of(const Tensor& t);

// How a value given for a typed slot is converted, Theano's rules: the same
// dtype, or one that casts safely (int32 -> int64, float32 -> float64), or a
// Python number of the right kind; anything lossy is a TypeError unless
// `allow_downcast`. The shape must fit the slot's static type (ValueError).
// `what` names the slot in messages ("argument 0 ('x')").
struct Slot {
  DType dtype;
  const Shape* shape;  // static shape, -1 where unknown
  const std::string& what;
};
// Writes value into `cache`, reusing its buffer when dtype and shape agree.
void convert_into(Tensor& cache, py::handle value, const Slot& slot, bool allow_downcast);

// ---- where the user is (location.cpp) -----------------------------------------
// The innermost Python frame outside the nabla package, as a Loc (file names
// are interned, so the pointer stays valid).
Loc user_loc();
// A file name kept for the life of the process (what a Loc may point at).
const char* intern(const char* s);
// Records that location for every Var created while alive; `loc` is passed on
// to the C++ functions too, whose own error messages name it.
struct AtUser {
  Loc loc;
  ScopedLoc scope;
  AtUser() : loc(user_loc()), scope(loc) {}
};

// ---- Ctrl-C (interrupt.cpp) -------------------------------------------------------
// Makes the main thread's compiled calls stop between steps on Ctrl-C (they
// throw Interrupted, nothing updated); other threads are never interrupted.
class PyInterruptScope {
 public:
  PyInterruptScope();
 private:
  InterruptScope scope_;
};
// Sets KeyboardInterrupt (or what Python's SIGINT handler raises) as the error.
void raise_keyboard_interrupt();
// Wraps Python's SIGINT handler and notes the main thread (at import).
void init_interrupts();

// ---- the C++ runtime's float mode ------------------------------------------------
// While C++ runs, denormals flush to zero as the runtime wants (unless
// NABLA_DENORMALS=1); the caller's float mode comes back afterwards, so numpy
// in the same process keeps IEEE subnormals.
class FloatModeScope {
 public:
  FloatModeScope();
  ~FloatModeScope();
  FloatModeScope(const FloatModeScope&) = delete;
  FloatModeScope& operator=(const FloatModeScope&) = delete;
 private:
  unsigned saved_float_mode_;
};

// ---- one thread at a time in the C++ trainers and networks (function.cpp) --------
// Compiled functions called from Python take only their own lock (function.cpp)
// and the locks of the shared variables they touch (core/function.hpp), so
// independent functions run in parallel. Everything else that runs C++ code
// over networks and trainers (Network.SGD, Trainer.fit, compiles, seeding)
// takes this lock in turn. Waiting for it releases the GIL, so a thread holding
// it can always finish. It is recursive: Python code called back from inside a
// training loop (which holds it) may use those objects itself. It also sets the
// float mode and makes the main thread interruptible by Ctrl-C.
class RunLock {
 public:
  RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
 private:
  std::unique_lock<std::recursive_mutex> lock_;
  FloatModeScope float_mode_;
  PyInterruptScope interrupt_;
};
// Runs the C++ runtime's one-time set-up (threads, float mode) at import and
// gives the importing thread its float mode back.
void init_runtime_keeping_float_mode();

// ---- the bind_* functions, one per source file ----------------------------------
void bind_errors(py::module_& m);
void bind_location(py::module_& m);
void bind_tensors(py::module_& m);
void bind_vars(py::module_& m);
void bind_ops(py::module_& m);
void bind_function(py::module_& m);
void bind_printing(py::module_& m);
void bind_random(py::module_& m);
void bind_conv(py::module_& m);
void bind_scan(py::module_& m);
void bind_pickling(py::module_& m);
void bind_distributed(py::module_& m);  // nabla._nabla.distributed
// nabla._nabla.nn: layers, costs, networks, data sets; nabla._nabla.optim: optimizers.
void bind_data(py::module_& nn);
void bind_nn_layers(py::module_& nn);
void bind_nn_costs(py::module_& nn);
void bind_nn_network(py::module_& nn);
void bind_nn_network3(py::module_& nn);
void bind_nn_recurrent(py::module_& nn);
void bind_nn_pickling(py::module_& nn);
void bind_optim(py::module_& optim);

// ---- argument conversions shared by ops.cpp and random.cpp (ops.cpp) -------------
// An int or an integer scalar Var as a Dim; a tuple/list of those as Dims.
Dim to_dim(py::handle h);
Dims to_dims(py::handle seq);

}  // namespace nabla::python
