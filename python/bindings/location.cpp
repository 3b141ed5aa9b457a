// The Python line that built an expression. Graph-building bindings record the
// innermost frame outside the nabla package itself, so a shape error points at
// the user's script rather than at nabla/tensor.py.
#include "bindings.hpp"  // first: Python.h before frameobject.h

#include <frameobject.h>

#include <cstring>
#include <unordered_set>

namespace nabla::python {

namespace {

std::string g_internal_prefix;  // the nabla package directory, set by its __init__

bool internal(const char* file) {
  return !g_internal_prefix.empty() &&
         std::strncmp(file, g_internal_prefix.c_str(), g_internal_prefix.size()) == 0;
}

}  // namespace

// File names live as long as the process: Loc keeps a raw pointer.
const char* intern(const char* s) {
  static std::unordered_set<std::string> names;
  return names.insert(s).first->c_str();
}

Loc user_loc() {
  PyFrameObject* frame = PyEval_GetFrame();  // borrowed
  if (!frame) return Loc{};
  Py_INCREF(frame);
  Loc loc{};
  while (frame) {
    PyCodeObject* code = PyFrame_GetCode(frame);  // new reference
    const char* file = PyUnicode_AsUTF8(code->co_filename);
    Py_DECREF(code);
    if (!file) {
      PyErr_Clear();
    } else if (!internal(file)) {
      loc = Loc{intern(file), PyFrame_GetLineNumber(frame)};
      Py_DECREF(frame);
      return loc;
    }
    PyFrameObject* back = PyFrame_GetBack(frame);  // new reference
    Py_DECREF(frame);
    frame = back;
  }
  return loc;
}

void bind_location(py::module_& m) {
  m.def("_set_internal_prefix", [](const std::string& p) { g_internal_prefix = p; },
        "Frames under this directory are skipped when recording where an expression was written.");
  m.def("_user_location", [] { return user_loc().str(); }, "Where the calling user code is (debugging).");
}

}  // namespace nabla::python
