// Activations and costs given from Python by name ("sigmoid", "CrossEntropyCost",
// "cross-entropy") or by a Python object whose __name__ is one (nabla.nn.relu,
// T.nnet.sigmoid, the cost classes nabla.nn.CrossEntropyCost, ...).
#pragma once
#include <cctype>

#include "bindings.hpp"
#include "nn/activation.hpp"
#include "nn/costs.hpp"

namespace nabla::python {

inline std::string name_of(py::handle obj, const char* what) {
  if (py::isinstance<py::str>(obj)) return obj.cast<std::string>();
  if (py::hasattr(obj, "__name__")) return py::str(obj.attr("__name__")).cast<std::string>();
  throw TypeError(std::string("nabla: ") + what + " must be a name or a nabla.nn " + what + ", got " +
                  py::repr(obj).cast<std::string>());
}

// Case-insensitive, so network3's ReLU function names relu.
inline nn::Activation activation_from(py::handle obj) {
  std::string name = name_of(obj, "activation");
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  return nn::activation_from_name(name);
}
inline nn::Cost cost_from(py::handle obj) { return nn::cost_from_name(name_of(obj, "cost")); }

}  // namespace nabla::python
