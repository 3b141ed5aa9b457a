// Indexing ops: basic numpy indexing with constant or symbolic bounds
// (subtensor, inc_subtensor) and paired integer-vector indexing (take2d,
// inc_take2d: the x[arange(n), y] idiom).
#include <cstring>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/run_errors.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/indexing_ops.hpp"
#include "ops/strided_copy.hpp"

namespace nabla {

namespace {

// ---- index specs: Index entries with symbolic bounds replaced by input numbers --
enum class BoundKind : uint8_t { Absent, Constant, Input };
struct BoundSpec {
  BoundKind kind = BoundKind::Absent;
  int64_t value = 0;  // the constant, or the input number holding the value
};
struct IndexSpec {
  bool is_slice = true;
  BoundSpec b[3];  // start, stop, step (an index uses b[0])
};
using IndexSpecs = std::vector<IndexSpec>;

BoundSpec bound_spec(const Bound& b, std::vector<Var>& inputs) {
  BoundSpec s;
  if (!b.present) return s;
  if (!b.var.defined()) {
    s.kind = BoundKind::Constant;
    s.value = b.value;
  } else if (b.var.role() == Role::Constant && is_integer(b.var.dtype()) && b.var.rank() == 0) {
    s.kind = BoundKind::Constant;  // keeps the output shape static
    s.value = b.var.value_ref().iat(0);
  } else {
    s.kind = BoundKind::Input;
    s.value = int64_t(inputs.size());
    inputs.push_back(b.var);
  }
  return s;
}

IndexSpecs make_specs(const std::vector<Index>& idx, std::vector<Var>& inputs) {
  IndexSpecs specs;
  for (const Index& i : idx) {
    IndexSpec s;
    s.is_slice = i.is_slice;
    s.b[0] = bound_spec(i.start, inputs);
    if (i.is_slice) {
      s.b[1] = bound_spec(i.stop, inputs);
      s.b[2] = bound_spec(i.step, inputs);
    } else if (s.b[0].kind == BoundKind::Absent) {
      throw ValueError("nabla: a single index needs a value");
    }
    specs.push_back(s);
  }
  return specs;
}

Bound rebuild_bound(const BoundSpec& s, const std::vector<Var>& inputs) {
  switch (s.kind) {
    case BoundKind::Absent: return Bound();
    case BoundKind::Constant: return Bound(s.value);
    case BoundKind::Input: return Bound(inputs[size_t(s.value)]);
  }
  return Bound();
}

std::vector<Index> rebuild(const IndexSpecs& specs, const std::vector<Var>& inputs) {
  std::vector<Index> idx;
  for (const IndexSpec& s : specs) {
    if (s.is_slice)
      idx.push_back(Index::slice(rebuild_bound(s.b[0], inputs), rebuild_bound(s.b[1], inputs),
                                 rebuild_bound(s.b[2], inputs)));
    else
      idx.push_back(Index::at(rebuild_bound(s.b[0], inputs)));
  }
  return idx;
}

std::string bound_str(const BoundSpec& s) {
  switch (s.kind) {
    case BoundKind::Absent: return "";
    case BoundKind::Constant: return std::to_string(s.value);
    case BoundKind::Input: return "$" + std::to_string(s.value);
  }
  return "";
}

// specs_str read back (the ops' factories): "[a:b:c,i,...]", a bound empty
// (absent), a number (constant) or $k (input k).
IndexSpecs parse_specs(const OpParams& p) {
  auto bound = [&](const std::string& t) {
    BoundSpec b;
    if (t.empty()) return b;
    b.kind = t[0] == '$' ? BoundKind::Input : BoundKind::Constant;
    b.value = p.to_integer(t[0] == '$' ? t.substr(1) : t, "an index bound");
    if (b.kind == BoundKind::Input && (b.value < 1 || b.value >= p.n_inputs()))
      p.fail("bound $" + std::to_string(b.value) + " names no input of the node");
    return b;
  };
  IndexSpecs specs;
  for (const std::string& item : p.list("idx")) {
    IndexSpec s;
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t c; (c = item.find(':', start)) != std::string::npos; start = c + 1) parts.push_back(item.substr(start, c - start));
    parts.push_back(item.substr(start));
    if (parts.size() == 1) {
      s.is_slice = false;
      s.b[0] = bound(parts[0]);
      if (s.b[0].kind == BoundKind::Absent) p.fail("an empty index");
    } else if (parts.size() == 3) {
      for (int k = 0; k < 3; ++k) s.b[k] = bound(parts[size_t(k)]);
    } else {
      p.fail("index '" + item + "' is neither i nor start:stop:step");
    }
    specs.push_back(s);
  }
  return specs;
}

std::string specs_str(const IndexSpecs& specs) {
  std::string r = "[";
  for (size_t i = 0; i < specs.size(); ++i) {
    if (i) r += ",";
    const IndexSpec& s = specs[i];
    if (s.is_slice) r += bound_str(s.b[0]) + ":" + bound_str(s.b[1]) + ":" + bound_str(s.b[2]);
    else r += bound_str(s.b[0]);
  }
  return r + "]";
}

void require_int_scalar(const Type& t, size_t i) {
  if (!is_integer(t.dtype) || t.rank() != 0)
    throw TypeError("index input " + std::to_string(i) + " must be an integer scalar, got " + t.str());
}

// A single index, negative from the end; out of range is an IndexError.
int64_t adjust_index(int64_t i, int64_t n, int axis) {
  int64_t j = i < 0 ? i + n : i;
  if (j < 0 || j >= n)
    throw ValueError("index " + std::to_string(i) + " is out of range for axis " +
                     std::to_string(axis) + " with size " + std::to_string(n));
  return j;
}

// numpy's slice adjustment: the first element and the length of start:stop:step
// over n elements (bounds clipped, negative ones counted from the end).
int64_t adjust_slice(int64_t n, bool has_start, int64_t start, bool has_stop, int64_t stop,
                     int64_t step, int64_t& first) {
  if (step == 0) throw ValueError("slice step must not be 0");
  if (step > 0) {
    start = has_start ? (start < 0 ? std::max<int64_t>(start + n, 0) : std::min(start, n)) : 0;
    stop = has_stop ? (stop < 0 ? std::max<int64_t>(stop + n, 0) : std::min(stop, n)) : n;
    first = start;
    return stop > start ? (stop - start + step - 1) / step : 0;
  }
  start = has_start ? (start < 0 ? std::max<int64_t>(start + n, -1) : std::min(start, n - 1)) : n - 1;
  stop = has_stop ? (stop < 0 ? std::max<int64_t>(stop + n, -1) : std::min(stop, n - 1)) : -1;
  first = start;
  return start > stop ? (start - stop - step - 1) / (-step) : 0;
}

// The value of a bound when it is known: a constant, or an input whose value
// is (a constant while building, always at run time). Absent bounds read 0.
bool bound_value(const BoundSpec& b, const InputInfos& in, int64_t& v) {
  if (b.kind != BoundKind::Input) {
    v = b.value;
    return true;
  }
  const InputInfo& info = in[size_t(b.value)];
  v = info.value;
  return info.has_value;
}

// The output shape of x[specs], x being in[0]: -1 where a dim or a bound is unknown.
Shape infer_view(const IndexSpecs& specs, const InputInfos& in) {
  const Shape& xs = in[0].shape;
  if (int(specs.size()) > xs.rank())
    throw ValueError("too many indices (" + std::to_string(specs.size()) + ") for shape " + xs.str());
  Shape out;
  for (size_t k = 0; k < specs.size(); ++k) {
    const IndexSpec& s = specs[k];
    const int64_t n = xs[int(k)];
    int64_t v[3];
    bool known = true;
    for (int j = 0; j < 3; ++j) known &= bound_value(s.b[j], in, v[j]);
    if (!s.is_slice) {
      if (known && n >= 0) adjust_index(v[0], n, int(k));
      continue;
    }
    const bool has_step = s.b[2].kind != BoundKind::Absent;
    int64_t step = 1;
    if (has_step && bound_value(s.b[2], in, step) && step == 0) throw ValueError("slice step must not be 0");
    if (!known || n < 0) {
      out.push_back(-1);
      continue;
    }
    int64_t first;
    out.push_back(adjust_slice(n, s.b[0].kind != BoundKind::Absent, v[0], s.b[1].kind != BoundKind::Absent,
                               v[1], step, first));
  }
  for (int k = int(specs.size()); k < xs.rank(); ++k) out.push_back(xs[k]);
  return out;
}

// x[specs] at run time as a strided view of x: dims, element strides, offset.
struct View {
  Shape dims, strides;
  int64_t offset = 0;
};

View resolve_view(const IndexSpecs& specs, const Shape& xs, const Tensor* const* in) {
  if (int(specs.size()) > xs.rank())
    throw ValueError("too many indices (" + std::to_string(specs.size()) + ") for shape " + xs.str());
  Shape xstride;
  xstride.resize(xs.rank(), 1);
  for (int i = xs.rank() - 2; i >= 0; --i) xstride[i] = xstride[i + 1] * xs[i + 1];
  auto value = [&](const BoundSpec& b) {
    return b.kind == BoundKind::Input ? in[b.value]->iat(0) : b.value;
  };
  View v;
  for (size_t k = 0; k < specs.size(); ++k) {
    const IndexSpec& s = specs[k];
    const int64_t n = xs[int(k)];
    if (!s.is_slice) {
      v.offset += adjust_index(value(s.b[0]), n, int(k)) * xstride[int(k)];
      continue;
    }
    const int64_t step = s.b[2].kind == BoundKind::Absent ? 1 : value(s.b[2]);
    int64_t first;
    const int64_t len = adjust_slice(n, s.b[0].kind != BoundKind::Absent, value(s.b[0]),
                                     s.b[1].kind != BoundKind::Absent, value(s.b[1]), step, first);
    if (len > 0) v.offset += first * xstride[int(k)];
    v.dims.push_back(len);
    v.strides.push_back(step * xstride[int(k)]);
  }
  for (int k = int(specs.size()); k < xs.rank(); ++k) {
    v.dims.push_back(xs[k]);
    v.strides.push_back(xstride[k]);
  }
  return v;
}

// dst[view] += y, y broadcast (numpy rules) to the view's dims.
template <class T>
void strided_add(T* dst, const Shape& d, const Shape& ds, const T* y, const Shape& ys) {
  const int r = d.rank();
  for (int i = 0; i < r; ++i)
    if (d[i] == 0) return;
  if (r == 0) {
    dst[0] += y[0];
    return;
  }
  const int64_t n = d[r - 1], sd = ds[r - 1], sy = ys[r - 1];
  Shape idx;
  idx.resize(r - 1, 0);
  int64_t od = 0, oy = 0;
  for (;;) {
    for (int64_t i = 0; i < n; ++i) dst[od + i * sd] += y[oy + i * sy];
    int j = r - 2;
    for (; j >= 0; --j) {
      if (++idx[j] < d[j]) {
        od += ds[j];
        oy += ys[j];
        break;
      }
      od -= ds[j] * (d[j] - 1);
      oy -= ys[j] * (d[j] - 1);
      idx[j] = 0;
    }
    if (j < 0) return;
  }
}

// y's element strides when broadcast to `dims`; throws naming both shapes.
Shape broadcast_strides(const Shape& ys, const Shape& dims, const Shape& xs) {
  const int r = dims.rank(), ry = ys.rank();
  auto fail = [&] {
    throw ShapeError("cannot broadcast y of shape " + ys.str() + " to the slice shape " + dims.str() +
                     " of x " + xs.str());
  };
  if (ry > r) fail();
  Shape s;
  s.resize(r, 0);
  int64_t stride = 1;
  for (int j = r - 1, k = ry - 1; k >= 0; --j, --k) {
    if (ys[k] != 1 && ys[k] != dims[j]) fail();
    s[j] = ys[k] == 1 ? 0 : stride;
    stride *= ys[k];
  }
  return s;
}

// ---- subtensor -------------------------------------------------------------------
class SubtensorKernel final : public SubtensorOp {
 public:
  explicit SubtensorKernel(IndexSpecs specs) : specs_(std::move(specs)) {}
  std::string name() const override { return "subtensor"; }
  std::string params() const override { return "idx=" + specs_str(specs_); }
  Type infer(const InputInfos& in) const override {
    for (size_t i = 1; i < in.size(); ++i) require_int_scalar(in[i], i);
    return Type{in[0].dtype, infer_view(specs_, in)};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const View v = resolve_view(specs_, in[0]->shape(), in);
    const size_t es = dtype_size(out.dtype());
    detail::strided_copy_bytes(out.raw(), static_cast<const char*>(in[0]->raw()) + v.offset * int64_t(es),
                               es, v.dims, v.strides);
  }
  // A slice whose elements are one contiguous run of x (leading axes indexed or
  // sliced to one row, then whole trailing rows: data[i*m:(i+1)*m], x[k]) is a view.
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int, Tensor& out) const override {
    const View v = resolve_view(specs_, in[0]->shape(), in);
    int64_t expect = 1;  // the stride a contiguous run has at each dim, innermost first
    for (int d = v.dims.rank() - 1; d >= 0; --d) {
      if (v.dims[d] == 1) continue;
      if (v.strides[d] != expect) return false;
      expect *= v.dims[d];
    }
    out = in[0]->view(out.shape(), out.size() ? v.offset : 0);
    return true;
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    std::vector<Var> grads(inputs.size());
    grads[0] = inc_subtensor(zeros_like(inputs[0]), g, rebuild(specs_, inputs));
    return grads;
  }

 private:
  IndexSpecs specs_;
};

// ---- inc_subtensor: inputs x, y, bounds... ----------------------------------------
class IncSubtensorOp : public Op {
 public:
  explicit IncSubtensorOp(IndexSpecs specs) : specs_(std::move(specs)) {}
  std::string name() const override { return "inc_subtensor"; }
  std::string params() const override { return "idx=" + specs_str(specs_); }
  Type infer(const InputInfos& in) const override {
    for (size_t i = 2; i < in.size(); ++i) require_int_scalar(in[i], i);
    if (in[1].dtype != in[0].dtype)
      throw TypeError(std::string("y has dtype ") + dtype_name(in[1].dtype) + " but x has " +
                      dtype_name(in[0].dtype));
    const Shape view = infer_view(specs_, in);
    const Shape& ys = in[1].shape;
    bool ok = ys.rank() <= view.rank();
    for (int j = view.rank() - 1, k = ys.rank() - 1; ok && k >= 0; --j, --k)
      ok = ys[k] < 0 || view[j] < 0 || ys[k] == 1 || ys[k] == view[j];
    if (!ok)
      throw ShapeError("cannot broadcast y of shape " + ys.str() + " to the slice shape " +
                       view.str() + " of x " + in[0].shape.str());
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const View v = resolve_view(specs_, in[0]->shape(), in);
    const Shape ys = broadcast_strides(in[1]->shape(), v.dims, in[0]->shape());
    if (out.nbytes()) std::memcpy(out.raw(), in[0]->raw(), out.nbytes());
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      strided_add<T>(out.data<T>() + v.offset, v.dims, v.strides, in[1]->data<T>(), ys);
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    std::vector<Var> grads(inputs.size());
    grads[0] = g;
    grads[1] = sum_like(subtensor(g, rebuild(specs_, inputs)), inputs[1]);
    return grads;
  }

 private:
  IndexSpecs specs_;
};

// ---- take2d / inc_take2d ---------------------------------------------------------------
inline int64_t index_at(const Tensor& t, int64_t k) {
  return t.dtype() == DType::Int32 ? int64_t(t.data<int32_t>()[k]) : t.data<int64_t>()[k];
}

void check_pair_types(const Type& x, const Type& rows, const Type& cols) {
  if (x.rank() != 2) throw ShapeError("x must be a matrix, got shape " + x.shape.str());
  for (const Type* t : {&rows, &cols})
    if (!is_integer(t->dtype) || t->rank() != 1)
      throw TypeError("rows and cols must be integer vectors, got " + rows.str() + " and " + cols.str());
  if (rows.shape[0] >= 0 && cols.shape[0] >= 0 && rows.shape[0] != cols.shape[0])
    throw ShapeError("rows of shape " + rows.shape.str() + " and cols of shape " + cols.shape.str() +
                     " must have the same length");
}

// Flat offset of x[rows[k], cols[k]] (negative indices from the end).
inline int64_t pair_offset(const Tensor& rows, const Tensor& cols, int64_t k, const Shape& xs) {
  const int64_t r = index_at(rows, k), c = index_at(cols, k);
  const int64_t rr = r < 0 ? r + xs[0] : r, cc = c < 0 ? c + xs[1] : c;
  if (rr < 0 || rr >= xs[0])
    throw IndexError("row index " + std::to_string(r) + " (rows[" + std::to_string(k) +
                     "]) is out of range for axis 0 with size " + std::to_string(xs[0]));
  if (cc < 0 || cc >= xs[1])
    throw IndexError("column index " + std::to_string(c) + " (cols[" + std::to_string(k) +
                     "]) is out of range for axis 1 with size " + std::to_string(xs[1]));
  return rr * xs[1] + cc;
}

class Take2dKernel final : public Take2dOp {
 public:
  std::string name() const override { return "take2d"; }
  Type infer(const InputInfos& in) const override {
    check_pair_types(in[0], in[1], in[2]);
    return Type{in[0].dtype, Shape{in[1].shape[0] >= 0 ? in[1].shape[0] : in[2].shape[0]}};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Shape& xs = in[0]->shape();
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = in[0]->data<T>();
      T* o = out.data<T>();
      for (int64_t k = 0; k < out.size(); ++k) o[k] = x[pair_offset(*in[1], *in[2], k, xs)];
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    return {inc_take2d(zeros_like(inputs[0]), inputs[1], inputs[2], g), Var(), Var()};
  }
};

class IncTake2dKernel final : public IncTake2dOp {
 public:
  std::string name() const override { return "inc_take2d"; }
  Type infer(const InputInfos& in) const override {
    check_pair_types(in[0], in[1], in[2]);
    if (in[3].dtype != in[0].dtype)
      throw TypeError(std::string("y has dtype ") + dtype_name(in[3].dtype) + " but x has " +
                      dtype_name(in[0].dtype));
    const int64_t n = in[1].shape[0] >= 0 ? in[1].shape[0] : in[2].shape[0];
    if (in[3].rank() != 1 || (n >= 0 && in[3].shape[0] >= 0 && in[3].shape[0] != n))
      throw ShapeError("y of shape " + in[3].shape.str() + " must be a vector with one value per (row, col) pair (rows " +
                       in[1].shape.str() + ", cols " + in[2].shape.str() + ")");
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Shape& xs = in[0]->shape();
    if (out.nbytes()) std::memcpy(out.raw(), in[0]->raw(), out.nbytes());
    const int64_t n = in[1]->size();
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* y = in[3]->data<T>();
      T* o = out.data<T>();
      for (int64_t k = 0; k < n; ++k) o[pair_offset(*in[1], *in[2], k, xs)] += y[k];
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    return {g, Var(), Var(), take2d(g, inputs[1], inputs[2])};
  }
};

}  // namespace

// ---- API ---------------------------------------------------------------------------
Var subtensor(const Var& x, const std::vector<Index>& idx, Loc loc) {
  std::vector<Var> inputs{x};
  IndexSpecs specs = make_specs(idx, inputs);
  return apply(std::make_shared<SubtensorKernel>(std::move(specs)), std::move(inputs), loc);
}

Var slice(const Var& x, Bound start, Bound stop, Loc loc) {
  return subtensor(x, {Index::slice(start, stop)}, loc);
}

Var inc_subtensor(const Var& x, const Var& y, const std::vector<Index>& idx, Loc loc) {
  std::vector<Var> inputs{x, y};
  if (x.defined() && y.defined() && y.dtype() != x.dtype()) inputs[1] = cast(y, x.dtype(), loc);
  IndexSpecs specs = make_specs(idx, inputs);
  return apply(std::make_shared<IncSubtensorOp>(std::move(specs)), std::move(inputs), loc);
}

Var take2d(const Var& x, const Var& rows, const Var& cols, Loc loc) {
  return apply(std::make_shared<Take2dKernel>(), {x, rows, cols}, loc);
}

Var inc_take2d(const Var& x, const Var& rows, const Var& cols, const Var& y, Loc loc) {
  Var yy = x.defined() && y.defined() && y.dtype() != x.dtype() ? cast(y, x.dtype(), loc) : y;
  return apply(std::make_shared<IncTake2dKernel>(), {x, rows, cols, yy}, loc);
}

void register_take_rows_ops();     // ops/take_rows.cpp
void register_indexing_rewrites();  // ops/indexing_rewrites.cpp

void register_indexing_ops() {
  register_take_rows_ops();
  register_op({"subtensor", "indexing", "x[start:stop:step, i, ...]: basic numpy indexing, symbolic bounds",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<SubtensorKernel>(parse_specs(p)); }});
  register_op({"inc_subtensor", "indexing", "a copy of x with x[idx] += y",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<IncSubtensorOp>(parse_specs(p)); }});
  register_op({"take2d", "indexing", "x[rows, cols] for integer vectors (x[arange(n), y])", [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<Take2dKernel>(); }});
  register_op({"inc_take2d", "indexing", "a copy of x with x[rows[k], cols[k]] += y[k]", [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<IncTake2dKernel>(); }});
  register_indexing_rewrites();
}

}  // namespace nabla
