// The Var class (Theano's TensorVariable) with its introspection and shared-value
// access, leaf constructors, grad and eval. Operators and methods such as
// .sum() or x[i:j] are added in Python (nabla/_var.py).
#include "bindings.hpp"

namespace nabla::python {

namespace {

const char* role_name(Role r) {
  switch (r) {
    case Role::Input: return "input";
    case Role::Constant: return "constant";
    case Role::Shared: return "shared";
    case Role::Intermediate: return "intermediate";
  }
  return "?";
}

py::tuple static_shape(const Var& v) {
  py::tuple t(size_t(v.rank()));
  for (int i = 0; i < v.rank(); ++i)
    t[size_t(i)] = v.shape()[i] < 0 ? py::object(py::none()) : py::object(py::int_(v.shape()[i]));
  return t;
}

void set_value(Var& v, py::handle value) {
  if (v.role() != Role::Shared)
    throw TypeError("nabla: set_value needs a shared variable, but " + v.label() + " is a " + role_name(v.role()));
  const std::string what = "set_value of " + v.label();
  Tensor t;
  convert_into(t, value, Slot{v.dtype(), &v.shape(), what}, /*allow_downcast=*/false);
  py::gil_scoped_release release;  // waits for calls updating v (core/function.hpp)
  v.set_value(t);
}

py::object get_value(const Var& v, bool borrow) {
  if (v.role() != Role::Shared && v.role() != Role::Constant)
    throw TypeError("nabla: get_value needs a shared variable or constant, but " + v.label() + " is a " +
                    role_name(v.role()) + " (compile a function, or use .eval())");
  if (borrow) return array_view_of(v.value_ref());  // no lock: a view of the current buffer
  Tensor copy;
  {
    py::gil_scoped_release release;  // waits for calls updating v (core/function.hpp)
    copy = v.get_value();
  }
  return array_view_of(copy);
}

std::vector<Tensor> eval_with(const std::vector<Var>& outputs, const py::dict& values) {
  Bindings bindings;
  for (auto [key, value] : values) {
    if (!py::isinstance<Var>(key)) throw TypeError("nabla: eval: the keys of the bindings must be Vars");
    Var v = key.cast<Var>();
    if (v.role() != Role::Input)
      throw TypeError("nabla: eval: " + v.label() + " is not an input variable, so it cannot be given a value");
    const std::string what = "eval: input " + v.label();
    Tensor t;
    convert_into(t, value, Slot{v.dtype(), &v.shape(), what}, false);
    bindings[v] = t;
  }
  RunLock lock;
  return eval(outputs, bindings);
}

}  // namespace

void bind_vars(py::module_& m) {
  py::class_<Var>(m, "Var", py::dynamic_attr(), "A symbolic tensor in a nabla graph (Theano's TensorVariable).")
      .def_property(
          "name", [](const Var& v) -> py::object { return v.name().empty() ? py::object(py::none()) : py::str(v.name()); },
          [](Var& v, py::object n) { v.set_name(n.is_none() ? std::string() : py::str(n).cast<std::string>()); })
      .def_property_readonly("ndim", &Var::rank)
      .def_property_readonly("dtype", [](const Var& v) { return std::string(dtype_name(v.dtype())); })
      .def_property_readonly("type", [](const Var& v) { return v.type().str(); }, "'float32(?,784)'")
      .def_property_readonly("static_shape", &static_shape, "The shape known when the graph is built (None: unknown).")
      .def_property_readonly("role", [](const Var& v) { return std::string(role_name(v.role())); })
      .def_property_readonly("op", [](const Var& v) -> py::object {
        return v.is_leaf() ? py::object(py::none()) : py::str(v.op()->signature());
      }, "The op that computes this Var ('add', 'sum{axes=(1)}'), None for leaves.")
      .def_property_readonly("inputs", [](const Var& v) { return v.inputs(); })
      .def_property_readonly("location", [](const Var& v) { return v.loc().str(); },
                             "The file and line that created this Var.")
      .def_property_readonly("label", &Var::label, "How error messages refer to this Var.")
      .def("get_value", [](const Var& v, bool borrow, bool) { return get_value(v, borrow); }, py::arg("borrow") = false, py::arg("return_internal_type") = false,
           "The value of a shared variable (or constant) as a numpy array: a copy, or with borrow=True a "
           "view of nabla's buffer, which later function calls may overwrite.")
      .def("set_value", [](Var& v, py::handle value, bool) { set_value(v, value); }, py::arg("value"),
           py::arg("borrow") = false, "Sets a shared variable's value (same dtype rules as function arguments).")
      .def("__hash__", [](const Var& v) { return std::hash<const void*>()(v.impl()); })
      .def("__eq__", [](const Var& a, py::handle b) -> py::object {
        if (!py::isinstance<Var>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::bool_(a.same(b.cast<const Var&>()));
      }, "Identity, as in Theano (use T.eq for elementwise equality).")
      .def("__ne__", [](const Var& a, py::handle b) -> py::object {
        if (!py::isinstance<Var>(b)) return py::reinterpret_borrow<py::object>(Py_NotImplemented);
        return py::bool_(!a.same(b.cast<const Var&>()));
      })
      .def("__str__", [](const Var& v) { return v.name().empty() ? v.label() : v.name(); })
      .def("__repr__", [](const Var& v) { return "<nabla.Var " + v.label() + " " + v.type().str() + ">"; });

  m.def("input", [](py::handle dtype, int rank, const std::string& name) {
    AtUser at;
    if (rank < 0 || rank > Shape::kMaxRank) throw ValueError("nabla: rank " + std::to_string(rank) + " is out of range");
    Shape s;
    for (int i = 0; i < rank; ++i) s.push_back(-1);
    return input(dtype_from_object(dtype), s, name);
  }, py::arg("dtype"), py::arg("rank"), py::arg("name") = "", "An input variable of unknown shape.");
  m.def("constant", [](py::handle value, const std::string& name) {
    AtUser at;
    return constant(tensor_from_array(value), name);
  }, py::arg("value"), py::arg("name") = "", "A constant holding a copy of an array-like.");
  m.def("scalar_constant", [](double value, py::handle dtype) {
    AtUser at;
    return constant(value, dtype_from_object(dtype));
  }, "A constant scalar of the given dtype.");
  m.def("literal", [](double value, const Var& like) {
    AtUser at;
    return literal(value, like);
  }, "A number used next to `like`: takes like's dtype when that keeps its kind.");
  m.def("shared", [](py::handle value, const std::string& name) {
    AtUser at;
    return shared(tensor_from_array(value), name);
  }, py::arg("value"), py::arg("name") = "", "A shared variable holding a copy of value.");

  m.def("grad", [](const Var& cost, const std::vector<Var>& wrt, bool zero_if_disconnected) {
    AtUser at;
    return grad(cost, wrt, zero_if_disconnected ? Disconnected::Zero : Disconnected::Raise);
  }, py::arg("cost"), py::arg("wrt"), py::arg("zero_if_disconnected") = false);
  m.def("eval", [](const std::vector<Var>& outputs, const py::dict& values) {
    std::vector<Tensor> results = eval_with(outputs, values);
    py::list out;
    for (const Tensor& t : results) out.append(array_from_tensor(t));
    return out;
  }, py::arg("outputs"), py::arg("values") = py::dict(),
     "Evaluates outputs without compiling (slow; for tests and debugging).");
}

}  // namespace nabla::python
