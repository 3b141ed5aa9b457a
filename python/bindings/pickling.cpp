// What pickling needs from C++ (nabla/_pickling.py does the rest): one Var's
// state as plain Python values, and a Var rebuilt from such a state. The
// nodes of a graph are rebuilt one by one through make_op (core/registry.hpp),
// so a Var's state names its op and params, never a pointer.
#include <cstdint>

#include "bindings.hpp"

namespace nabla::python {

namespace {

const char* role_word(Role r) {
  switch (r) {
    case Role::Input: return "input";
    case Role::Constant: return "constant";
    case Role::Shared: return "shared";
    case Role::Intermediate: return "apply";
  }
  return "?";
}

py::tuple shape_tuple(const Shape& s) {
  py::tuple t(size_t(s.rank()));
  for (int i = 0; i < s.rank(); ++i) t[size_t(i)] = py::int_(s[i]);
  return t;
}

Loc make_loc(py::handle file, int line) {
  if (file.is_none()) return Loc{};
  return Loc{intern(py::str(file).cast<std::string>().c_str()), line};
}

Shape shape_from(py::handle seq) {
  Shape s;
  for (py::handle d : seq) s.push_back(d.cast<int64_t>());
  return s;
}

// (kind, dtype, shape, name, (file, line), extra): extra is the value of a
// constant or shared variable, (op name, params, inputs) of an intermediate.
py::tuple var_state(const Var& v) {
  py::object loc = v.loc().known() ? py::object(py::make_tuple(v.loc().file, v.loc().line))
                                   : py::object(py::make_tuple(py::none(), 0));
  py::object extra = py::none();
  if (v.role() == Role::Constant || v.role() == Role::Shared) {
    RunLock lock;
    extra = array_from_tensor(v.value_ref());
  } else if (v.role() == Role::Intermediate) {
    extra = py::make_tuple(v.op()->name(), v.op()->params(), py::cast(v.inputs()));
  }
  return py::make_tuple(role_word(v.role()), dtype_name(v.dtype()), shape_tuple(v.shape()), v.name(), loc, extra);
}

Var rebuild_leaf(const std::string& kind, const std::string& dtype, py::handle shape, const std::string& name,
                 py::handle file, int line, py::handle value) {
  const Loc loc = make_loc(file, line);
  const DType dt = dtype_from_name(dtype);
  if (kind == "input") return input(dt, shape_from(shape), name, loc);
  Tensor t = tensor_from_array(value);
  if (t.dtype() != dt)
    throw ValueError("nabla: cannot unpickle " + kind + " '" + name + "': its value is " + dtype_name(t.dtype()) +
                     " but the variable is " + dtype);
  if (kind == "constant") return constant(t, name, loc);
  if (kind == "shared") return shared(t, name, loc);
  throw ValueError("nabla: cannot unpickle a Var of kind '" + kind + "'");
}

Var rebuild_apply(const std::string& op_name, const std::string& params, const std::vector<Var>& inputs,
                  const std::string& name, py::handle file, int line) {
  const Loc loc = make_loc(file, line);
  Var v = apply(make_op(op_name, params, int(inputs.size())), inputs, loc);
  if (!name.empty()) v.set_name(name);
  return v;
}

}  // namespace

void bind_pickling(py::module_& m) {
  m.def("_var_state", &var_state, "One Var's state for pickling: (kind, dtype, shape, name, (file, line), extra).");
  m.def("_var_key", [](const Var& v) { return reinterpret_cast<uintptr_t>(v.impl()); },
        "The identity of the Var behind this Python object (equal for every wrapper of it).");
  m.def("_rebuild_leaf", &rebuild_leaf);
  m.def("_rebuild_apply", &rebuild_apply);
  m.def("_default_update", [](const Var& v) -> py::object {
    if (v.role() != Role::Shared) return py::none();
    Var u = v.default_update();
    return u.defined() ? py::cast(u) : py::object(py::none());
  });
  m.def("_set_default_update", [](Var& v, const Var& u) { v.set_default_update(u); });
}

}  // namespace nabla::python
