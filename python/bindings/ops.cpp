// The graph-building functions of ops/api.hpp, taking Vars only. The Python
// package turns numbers and arrays into Vars and adds Theano's names on top.
// Every function records the user's Python line for error messages.
#include "ops/take_rows.hpp"
#include "bindings.hpp"
#include "ops/elementwise_kernels.hpp"

namespace nabla::python {

namespace {

bool is_index(py::handle h) { return PyIndex_Check(h.ptr()) && !py::isinstance<py::array>(h); }

int64_t as_int(py::handle h) { return py::int_(py::reinterpret_borrow<py::object>(h)).cast<int64_t>(); }

std::string repr_of(py::handle h) { return py::repr(h).cast<std::string>(); }

Axes to_axes(py::handle h) {
  if (h.is_none()) return Axes{};
  if (is_index(h)) return Axes(int(as_int(h)));
  std::vector<int> axes;
  for (py::handle a : h) {
    if (!is_index(a)) throw TypeError("nabla: an axis must be an int, got " + repr_of(a));
    axes.push_back(int(as_int(a)));
  }
  return Axes(std::move(axes));
}

Bound to_bound(py::handle h) {
  if (h.is_none()) return Bound();
  if (py::isinstance<Var>(h)) return Bound(h.cast<Var>());
  if (is_index(h)) return Bound(as_int(h));
  throw TypeError("nabla: a slice bound must be an int, an integer scalar Var or None, got " + repr_of(h));
}

// A Python index key (already a tuple): ints, integer scalar Vars and slices.
std::vector<Index> to_indices(const py::tuple& key) {
  std::vector<Index> idx;
  for (py::handle k : key) {
    if (PySlice_Check(k.ptr()))
      idx.push_back(Index::slice(to_bound(k.attr("start")), to_bound(k.attr("stop")), to_bound(k.attr("step"))));
    else if (py::isinstance<Var>(k) || is_index(k))
      idx.push_back(Index::at(to_bound(k)));
    else
      throw TypeError("nabla: unsupported index " + repr_of(k) +
                      " (use ints, slices, integer scalar Vars, or x[rows, cols] with integer vectors)");
  }
  return idx;
}

template <Var (*F)(const Var&, Loc)>
void def_unary(py::module_& m, const char* name, const char* doc) {
  m.def(name, [](const Var& x) { AtUser at; return F(x, at.loc); }, py::arg("x"), doc);
}

template <Var (*F)(const Var&, const Var&, Loc)>
void def_binary(py::module_& m, const char* name, const char* doc) {
  m.def(name, [](const Var& a, const Var& b) { AtUser at; return F(a, b, at.loc); }, py::arg("a"), py::arg("b"), doc);
}

template <Var (*F)(const Var&, Axes, bool, Loc)>
void def_reduction(py::module_& m, const char* name, const char* doc) {
  m.def(name, [](const Var& x, py::handle axis, bool keepdims) { AtUser at; return F(x, to_axes(axis), keepdims, at.loc); },
        py::arg("x"), py::arg("axis") = py::none(), py::arg("keepdims") = false, doc);
}

void bind_elementwise(py::module_& m) {
  def_binary<add>(m, "add", "a + b (numpy broadcasting)");
  def_binary<sub>(m, "sub", "a - b");
  def_binary<mul>(m, "mul", "a * b");
  def_binary<div>(m, "true_div", "a / b (true division; integers become floatX)");
  def_binary<pow>(m, "pow", "a ** b");
  def_binary<maximum>(m, "maximum", "the larger of a and b, elementwise");
  def_binary<minimum>(m, "minimum", "the smaller of a and b, elementwise");
  def_binary<eq>(m, "eq", "a == b, elementwise (bool)");
  def_binary<neq>(m, "neq", "a != b, elementwise (bool)");
  def_binary<lt>(m, "lt", "a < b (bool)");
  def_binary<le>(m, "le", "a <= b (bool)");
  def_binary<gt>(m, "gt", "a > b (bool)");
  def_binary<ge>(m, "ge", "a >= b (bool)");
  // One Python function per row of the unary table, with the row's doc.
  py::list unary_names;
  for (const UnaryRow* row = unary_rows_begin(); row != unary_rows_end(); ++row) {
    const UnaryFn fn = row->fn;
    m.def(row->name, [fn](const Var& x) { AtUser at; return unary_op(fn, x, at.loc); }, py::arg("x"), row->doc);
    unary_names.append(py::make_tuple(row->name, row->doc));
  }
  m.attr("sgn") = m.attr("sign");  // Theano's name
  m.def("unary_ops", [unary_names]() { return unary_names; }, "(name, doc) of every unary elementwise op");
  def_unary<sqr>(m, "sqr", "x * x");
  def_unary<relu>(m, "relu", "maximum(x, 0)");
  m.def("where", [](const Var& c, const Var& a, const Var& b) { AtUser at; return where(c, a, b, at.loc); },
        "a where cond is true (nonzero), else b");
  m.def("cast", [](const Var& x, py::handle dtype) { AtUser at; return cast(x, dtype_from_object(dtype), at.loc); },
        "x converted to another dtype");
}

void bind_reductions(py::module_& m) {
  def_reduction<sum>(m, "sum", "sum over axes (all when axis is None)");
  def_reduction<mean>(m, "mean", "mean over axes");
  def_reduction<max>(m, "max", "largest element over axes");
  def_reduction<min>(m, "min", "smallest element over axes");
  m.def("argmax", [](const Var& x, int axis, bool keepdims) { AtUser at; return argmax(x, axis, keepdims, at.loc); },
        py::arg("x"), py::arg("axis") = -1, py::arg("keepdims") = false, "index of the largest element along one axis");
}

void bind_shape(py::module_& m) {
  m.def("shape_i", [](const Var& x, int axis) { AtUser at; return shape_i(x, axis, at.loc); },
        "x's size along one axis (int64 scalar)");
  m.def("reshape", [](const Var& x, py::handle dims) { AtUser at; return reshape(x, to_dims(dims), at.loc); },
        "x with a new shape (ints or integer scalar Vars; one -1)");
  m.def("dimshuffle", [](const Var& x, const std::vector<int>& pattern) {
    AtUser at;
    return dimshuffle(x, pattern, at.loc);
  }, "Theano's dimshuffle; -1 inserts a broadcastable axis");
  def_unary<transpose>(m, "transpose", "all axes reversed");
  m.def("flatten", [](const Var& x, int outdim) { AtUser at; return flatten(x, outdim, at.loc); },
        py::arg("x"), py::arg("outdim") = 1, "keeps outdim-1 leading axes, flattens the rest");
  m.def("concatenate", [](const std::vector<Var>& xs, int axis) { AtUser at; return concatenate(xs, axis, at.loc); },
        py::arg("xs"), py::arg("axis") = 0);
}

void bind_indexing(py::module_& m) {
  m.def("subtensor", [](const Var& x, const py::tuple& key) { AtUser at; return subtensor(x, to_indices(key), at.loc); },
        "x[key] with ints, slices (symbolic bounds allowed) and integer scalar Vars");
  m.def("inc_subtensor", [](const Var& x, const Var& y, const py::tuple& key) {
    AtUser at;
    return inc_subtensor(x, y, to_indices(key), at.loc);
  }, "a copy of x with x[key] += y");
  m.def("take2d", [](const Var& x, const Var& rows, const Var& cols) { AtUser at; return take2d(x, rows, cols, at.loc); },
        "x[rows, cols] for integer vectors");
  m.def("inc_take2d", [](const Var& x, const Var& rows, const Var& cols, const Var& y) {
    AtUser at;
    return inc_take2d(x, rows, cols, y, at.loc);
  }, "a copy of x with x[rows[k], cols[k]] += y[k]");
  m.def("take_rows", [](const Var& x, const Var& idx) { AtUser at; return take_rows(x, idx, at.loc); },
        "x[idx] for an integer vector idx: whole rows (Theano's AdvancedSubtensor1)");
  m.def("inc_rows", [](const Var& x, const Var& idx, const Var& y) {
    AtUser at;
    return inc_rows(x, idx, y, at.loc);
  }, "a copy of x with y[k] added to row idx[k]");
}

void bind_linear_algebra_and_nnet(py::module_& m) {
  def_binary<dot>(m, "dot", "numpy dot for vectors and matrices");
  m.def("matmul", [](const Var& a, const Var& b, bool ta, bool tb) { AtUser at; return matmul(a, b, ta, tb, at.loc); },
        py::arg("a"), py::arg("b"), py::arg("trans_a") = false, py::arg("trans_b") = false);
  def_unary<softmax>(m, "softmax", "softmax over the last axis");
  def_unary<log_softmax>(m, "log_softmax", "log of the softmax over the last axis (stable)");
}

void bind_constructors(py::module_& m) {
  m.def("arange", [](py::handle start, py::handle stop, py::handle step) {
    AtUser at;
    return arange(to_dim(start), to_dim(stop), to_dim(step), at.loc);
  }, "[start, stop) with step (int64; ints or integer scalar Vars)");
  m.def("fill_like", [](const Var& x, double value) { AtUser at; return fill_like(x, value, at.loc); });
  def_unary<zeros_like>(m, "zeros_like", "zeros shaped like x");
  def_unary<ones_like>(m, "ones_like", "ones shaped like x");
  def_unary<zero_grad>(m, "zero_grad", "x unchanged; its gradient is zero");
  def_unary<disconnected_grad>(m, "disconnected_grad", "x unchanged; no gradient flows through it");
  m.def("full", [](py::handle dims, double value, py::handle dtype) {
    AtUser at;
    return full(to_dims(dims), value, dtype_from_object(dtype), at.loc);
  }, "a (possibly symbolic) shape filled with value");
  def_binary<broadcast_like>(m, "broadcast_like", "a broadcast to ref's shape");
  def_binary<sum_like>(m, "sum_like", "g summed down to ref's shape");
}

}  // namespace

Dim to_dim(py::handle h) {
  if (py::isinstance<Var>(h)) return Dim(h.cast<Var>());
  if (is_index(h)) return Dim(as_int(h));
  throw TypeError("nabla: a dimension must be an int or an integer scalar Var, got " + repr_of(h));
}

Dims to_dims(py::handle seq) {
  if (py::isinstance<Var>(seq) || is_index(seq) || !py::isinstance<py::sequence>(seq))
    throw TypeError("nabla: a shape must be a tuple or list of ints and integer scalar Vars, got " + repr_of(seq));
  Dims dims;
  for (py::handle h : seq) dims.push_back(to_dim(h));
  return dims;
}

void bind_ops(py::module_& m) {
  bind_elementwise(m);
  bind_reductions(m);
  bind_shape(m);
  bind_indexing(m);
  bind_linear_algebra_and_nnet(m);
  bind_constructors(m);
  m.def("registered_ops", [] {
    py::list out;
    for (const OpInfo& op : registered_ops()) out.append(py::make_tuple(op.name, op.family, op.doc));
    return out;
  }, "(name, family, doc) of every op in the C++ registry");
}

}  // namespace nabla::python
