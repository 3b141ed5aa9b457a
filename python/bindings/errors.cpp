// nabla's C++ errors as Python exceptions. Each is also a built-in exception
// type, so `except ValueError` catches a shape error:
//   NablaError(Exception)
//   ShapeError(NablaError, ValueError)      core ShapeError
//   NablaTypeError(NablaError, TypeError)   core TypeError (dtype, kind of argument)
//   NablaValueError(NablaError, ValueError) core ValueError (bad value, missing input)
//   GradError(NablaError, ValueError)       core GradError (disconnected, non-scalar cost)
//   NablaIndexError(NablaValueError, IndexError)  core IndexError (label or index out of range)
// core Interrupted (a call stopped by Ctrl-C) becomes KeyboardInterrupt.
#include "bindings.hpp"

namespace nabla::python {

namespace {

PyObject* new_exception(py::module_& m, const char* name, PyObject* base1, PyObject* base2,
                        const char* doc) {
  const std::string qualified = std::string("nabla.") + name;
  PyObject* bases = base2 ? PyTuple_Pack(2, base1, base2) : PyTuple_Pack(1, base1);
  PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  Py_DECREF(bases);
  if (!cls) throw py::error_already_set();
  m.add_object(name, py::handle(cls));  // the module keeps a reference
  return cls;
}

PyObject* g_error = nullptr;
PyObject* g_shape = nullptr;
PyObject* g_type = nullptr;
PyObject* g_value = nullptr;
PyObject* g_grad = nullptr;
PyObject* g_memory = nullptr;
PyObject* g_index = nullptr;

}  // namespace

void bind_errors(py::module_& m) {
  g_error = new_exception(m, "NablaError", PyExc_Exception, nullptr, "Any error raised by nabla.");
  g_shape = new_exception(m, "ShapeError", g_error, PyExc_ValueError, "Shapes that cannot go together.");
  g_type = new_exception(m, "NablaTypeError", g_error, PyExc_TypeError,
                         "A wrong dtype or kind of argument.");
  g_value = new_exception(m, "NablaValueError", g_error, PyExc_ValueError,
                          "A bad value: out-of-range index, missing input, NaN under NanGuard.");
  g_grad = new_exception(m, "GradError", g_error, PyExc_ValueError,
                         "A gradient that does not exist (disconnected input, non-scalar cost).");
  g_memory = new_exception(m, "NablaMemoryError", g_error, PyExc_MemoryError,
                           "A tensor too large to represent or to allocate.");
  g_index = new_exception(m, "NablaIndexError", g_value, PyExc_IndexError,
                          "An index out of range: a class label, or y in x[arange(n), y].");
  // Most derived first: every nabla error derives from nabla::Error.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const Interrupted&) {
      raise_keyboard_interrupt();
    } catch (const IndexError& e) {
      PyErr_SetString(g_index, e.what());
    } catch (const ShapeError& e) {
      PyErr_SetString(g_shape, e.what());
    } catch (const TypeError& e) {
      PyErr_SetString(g_type, e.what());
    } catch (const GradError& e) {
      PyErr_SetString(g_grad, e.what());
    } catch (const ValueError& e) {
      PyErr_SetString(g_value, e.what());
    } catch (const MemoryError& e) {
      PyErr_SetString(g_memory, e.what());
    } catch (const Error& e) {
      PyErr_SetString(g_error, e.what());
    }
  });
}

}  // namespace nabla::python
