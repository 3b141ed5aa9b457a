// numpy arrays <-> nabla Tensors. Tensors own 64-byte aligned buffers, so
// values coming in are copied (once, into a reused buffer for function
// arguments) and values going out are copied into fresh numpy arrays, except
// get_value(borrow=True), which returns a view that keeps the buffer alive.
#include <cstring>
#include <limits>

#include "bindings.hpp"

namespace nabla::python {

namespace {

const py::module_& numpy() {
  static py::module_* np = new py::module_(py::module_::import("numpy"));  // never destroyed
  return *np;
}

bool native_order(const py::dtype& dt) { return dt.byteorder() == '=' || dt.byteorder() == '|'; }

// DType of dt when nabla has it and the bytes can be copied as they are.
bool exact_dtype(const py::dtype& dt, DType& out) {
  if (!native_order(dt)) return false;
  const auto size = dt.itemsize();
  switch (dt.kind()) {
    case 'b': out = DType::Bool; return size == 1;
    case 'i': out = size == 4 ? DType::Int32 : DType::Int64; return size == 4 || size == 8;
    case 'f': out = size == 4 ? DType::Float32 : DType::Float64; return size == 4 || size == 8;
    default: return false;
  }
}

Shape shape_of(const py::array& a) {
  if (a.ndim() > Shape::kMaxRank)
    throw ShapeError("nabla: arrays of rank " + std::to_string(a.ndim()) + " are not supported (at most " +
                     std::to_string(Shape::kMaxRank) + ")");
  return Shape(a.shape(), a.shape() + a.ndim());
}

std::string dtype_str(const py::dtype& dt) { return dt.attr("name").cast<std::string>(); }

void copy_array_into(Tensor& dst, const py::array& a) {
  if (dst.nbytes()) std::memcpy(dst.raw(), a.data(), dst.nbytes());
}

// The array converted to `t` (a new contiguous, native-order array when needed).
// asarray(order="C"), not ascontiguousarray: the latter turns a 0-d array into
// shape (1,), which made shared(np.float32(0)) a vector.
py::array as_contiguous(py::handle value, DType t) {
  return numpy().attr("asarray")(value, numpy_dtype(t), "C");
}

void check_shape(const Shape& got, const Slot& slot) {
  const Shape& want = *slot.shape;
  bool ok = got.rank() == want.rank();
  for (int i = 0; ok && i < want.rank(); ++i) ok = want[i] < 0 || want[i] == got[i];
  if (!ok)
    throw ShapeError("nabla: " + slot.what + " expects " + (got.rank() == want.rank() ? "shape " : "rank " +
                     std::to_string(want.rank()) + ", shape ") + want.str() + ", got shape " + got.str());
}

void ensure(Tensor& cache, DType t, const Shape& shape) {
  if (!cache.defined() || cache.dtype() != t || cache.shape() != shape) cache = Tensor(t, shape);
}

// A Python number (or a numpy integer scalar) for a scalar slot, converted by
// value: ints go anywhere they fit, floats only to float slots (or anywhere
// with allow_downcast, truncated).
void convert_number(Tensor& cache, py::handle value, const Slot& slot, bool allow_downcast) {
  check_shape(Shape{}, slot);
  auto refuse = [&](const std::string& why) {
    return TypeError("nabla: " + slot.what + " expects " + dtype_name(slot.dtype) + ", but " +
                     py::repr(value).cast<std::string>() + " " + why);
  };
  if (PyFloat_Check(value.ptr())) {
    if (!is_float(slot.dtype) && !allow_downcast)
      throw refuse("is a float (pass an int, or compile with allow_input_downcast=True)");
    ensure(cache, slot.dtype, Shape{});
    cache.set(0, PyFloat_AsDouble(value.ptr()));
    return;
  }
  py::object index = py::reinterpret_steal<py::object>(PyNumber_Index(value.ptr()));
  if (!index) throw py::error_already_set();
  int overflow = 0;
  const long long i = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
  if (overflow || (slot.dtype == DType::Int32 && (i < std::numeric_limits<int32_t>::min() ||
                                                  i > std::numeric_limits<int32_t>::max())))
    throw refuse("does not fit");
  if (slot.dtype == DType::Bool && i != 0 && i != 1 && !allow_downcast) throw refuse("is not 0 or 1");
  ensure(cache, slot.dtype, Shape{});
  if (slot.dtype == DType::Int64)
    cache.data<int64_t>()[0] = i;  // exact, also beyond 2^53
  else
    cache.set(0, double(i));
}

}  // namespace

DType dtype_from_numpy(const py::dtype& dt) {
  DType t;
  if (exact_dtype(dt, t)) return t;
  if (native_order(dt))
    throw TypeError("nabla: dtype " + dtype_str(dt) +
                    " is not supported (use bool, int32, int64, float32 or float64)");
  return dtype_from_numpy(py::dtype(dt.attr("newbyteorder")("=")));
}

py::dtype numpy_dtype(DType t) {
  switch (t) {
    case DType::Bool: return py::dtype::of<bool>();
    case DType::Int32: return py::dtype::of<int32_t>();
    case DType::Int64: return py::dtype::of<int64_t>();
    case DType::Float32: return py::dtype::of<float>();
    case DType::Float64: return py::dtype::of<double>();
  }
  throw TypeError("nabla: unknown dtype");
}

DType dtype_from_object(py::handle obj) {
  py::dtype dt;
  try {
    dt = py::dtype::from_args(py::reinterpret_borrow<py::object>(obj));
  } catch (py::error_already_set&) {
    throw TypeError("nabla: " + py::repr(obj).cast<std::string>() + " is not a dtype");
  }
  return dtype_from_numpy(dt);
}

Tensor tensor_from_array(py::handle value) {
  py::array a = numpy().attr("asarray")(value);
  const DType t = dtype_from_numpy(a.dtype());
  a = as_contiguous(a, t);  // no copy when already contiguous and native
  Tensor out(t, shape_of(a));
  copy_array_into(out, a);
  return out;
}

py::array array_from_tensor(const Tensor& t) {
  py::array out(numpy_dtype(t.dtype()), std::vector<py::ssize_t>(t.shape().begin(), t.shape().end()));
  if (t.nbytes()) std::memcpy(out.mutable_data(), t.raw(), t.nbytes());
  return out;
}

py::array array_view_of(const Tensor& t) {
  auto* keep = new std::shared_ptr<Buffer>(t.buffer());
  py::capsule owner(keep, [](void* p) { delete static_cast<std::shared_ptr<Buffer>*>(p); });
  return py::array(numpy_dtype(t.dtype()), std::vector<py::ssize_t>(t.shape().begin(), t.shape().end()),
                   t.raw(), owner);
}

void convert_into(Tensor& cache, py::handle value, const Slot& slot, bool allow_downcast) {
  // Python numbers (and numpy integer scalars): by value.
  if (PyLong_Check(value.ptr()) || PyFloat_Check(value.ptr()) ||
      (!py::isinstance<py::array>(value) && PyIndex_Check(value.ptr()))) {
    convert_number(cache, value, slot, allow_downcast);
    return;
  }
  const bool is_array = py::isinstance<py::array>(value);
  if (!is_array) {
    // What numpy would turn into a 0-d object or string array: say what it was.
    if (value.is_none())
      throw TypeError("nabla: " + slot.what + " is None; it expects an array of " + dtype_name(slot.dtype));
    if (PyUnicode_Check(value.ptr()) || PyBytes_Check(value.ptr()))
      throw TypeError("nabla: " + slot.what + " is a string (" + py::repr(value).cast<std::string>() +
                      "); it expects an array of " + dtype_name(slot.dtype));
  }
  py::array a;
  if (is_array) {
    a = py::reinterpret_borrow<py::array>(value);
  } else {
    try {
      a = py::array(numpy().attr("asarray")(value));
    } catch (py::error_already_set& e) {
      // Ragged nested lists and the like: numpy's words, with the argument named.
      throw ValueError("nabla: " + slot.what + " cannot be read as an array: " + std::string(e.what()));
    }
  }
  if (a.dtype().kind() == 'O' || a.dtype().kind() == 'U' || a.dtype().kind() == 'S')
    throw TypeError("nabla: " + slot.what + " holds " +
                    (a.dtype().kind() == 'O' ? std::string("Python objects") : std::string("strings")) +
                    " (numpy dtype " + dtype_str(a.dtype()) + "); it expects numbers (" + dtype_name(slot.dtype) +
                    ")");
  const Shape shape = shape_of(a);
  check_shape(shape, slot);
  DType t;
  const bool exact = exact_dtype(a.dtype(), t) && t == slot.dtype;
  if (exact && (a.flags() & py::array::c_style)) {  // the fast path: one memcpy
    ensure(cache, slot.dtype, shape);
    copy_array_into(cache, a);
    return;
  }
  if (!exact && !allow_downcast) {
    const py::dtype target = numpy_dtype(slot.dtype);
    bool ok = numpy().attr("can_cast")(a.dtype(), target, "safe").cast<bool>();
    if (!ok && !is_array) {
      // Lists and numpy scalars of Python numbers: fine when nothing is lost.
      try {
        py::array converted = as_contiguous(a, slot.dtype);
        ok = (is_float(slot.dtype) && a.dtype().kind() == 'f') ||
             numpy().attr("array_equal")(converted, a).cast<bool>();
      } catch (py::error_already_set&) {
        ok = false;  // not numbers at all: reported below
      }
    }
    if (!ok)
      throw TypeError("nabla: " + slot.what + " expects " + dtype_name(slot.dtype) + ", got " +
                      (is_array ? "an array" : "a value") + " of dtype " + dtype_str(a.dtype()) +
                      " (convert it with .astype('" + dtype_name(slot.dtype) +
                      "'), or compile with allow_input_downcast=True)");
  }
  py::array c = as_contiguous(a, slot.dtype);
  ensure(cache, slot.dtype, shape);
  copy_array_into(cache, c);
}

void bind_tensors(py::module_& m) {
  m.def("_roundtrip", [](py::handle a) { return array_from_tensor(tensor_from_array(a)); },
        "Copies an array through a nabla Tensor (tests).");
  m.def("_dtype_name", [](py::handle d) { return std::string(dtype_name(dtype_from_object(d))); },
        "The nabla dtype name of a numpy dtype-like ('float32', np.int64, ...).");
}

}  // namespace nabla::python
