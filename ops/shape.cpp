// Shape ops: shape_i, reshape, dimshuffle, concatenate, arange, and the
// compositions built on them (transpose, flatten).
#include <cstring>

#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/shape_ops.hpp"
#include "ops/strided_copy.hpp"

namespace nabla {

namespace {

constexpr int64_t kSymbolic = ReshapeOp::kFromInput;

void require_int_scalar(const Type& t, const char* what, size_t i) {
  if (!is_integer(t.dtype))
    throw TypeError(std::string(what) + " " + std::to_string(i) + " must be an integer scalar, got " +
                    t.str());
  if (t.rank() != 0)
    throw ShapeError(std::string(what) + " " + std::to_string(i) + " must be a scalar, got " + t.str());
}

// A Dim as a Var: constants for numbers, the Var itself otherwise.
Var dim_var(const Dim& d, Loc loc) {
  if (d.var.defined()) return d.var;
  return constant(double(d.value), DType::Int64, loc);
}

// The value of a symbolic Dim that is really a constant leaf, so patterns stay static.
bool constant_dim(const Dim& d, int64_t& value) {
  if (!d.var.defined()) {
    value = d.value;
    return true;
  }
  if (d.var.role() == Role::Constant && is_integer(d.var.dtype()) && d.var.rank() == 0) {
    value = d.var.value_ref().iat(0);
    return true;
  }
  return false;
}

// Dense copy of a strided view of src: out dims d, element strides s (per out axis).
// Trailing axes that are contiguous in src are copied as one block.
template <class U>
void strided_copy(U* dst, const U* src, const Shape& d, const Shape& s) {
  int k = d.rank();
  for (int i = 0; i < k; ++i)
    if (d[i] == 0) return;
  int64_t block = 1;
  while (k > 0 && (d[k - 1] == 1 || s[k - 1] == block)) {
    block *= d[k - 1];
    --k;
  }
  if (k == 0) {
    std::memcpy(dst, src, size_t(block) * sizeof(U));
    return;
  }
  const int64_t n_inner = d[k - 1], s_inner = s[k - 1];
  Shape idx;
  idx.resize(k - 1, 0);
  int64_t off = 0;
  for (;;) {
    const U* p = src + off;
    if (block == 1) {
      for (int64_t i = 0; i < n_inner; ++i) dst[i] = p[i * s_inner];
      dst += n_inner;
    } else {
      for (int64_t i = 0; i < n_inner; ++i, dst += block)
        std::memcpy(dst, p + i * s_inner, size_t(block) * sizeof(U));
    }
    int j = k - 2;
    for (; j >= 0; --j) {
      if (++idx[j] < d[j]) {
        off += s[j];
        break;
      }
      off -= s[j] * (d[j] - 1);
      idx[j] = 0;
    }
    if (j < 0) return;
  }
}

}  // namespace

// Declared in ops/strided_copy.hpp: subtensor copies strided views too.
namespace detail {
void strided_copy_bytes(void* dst, const void* src, size_t elsize, const Shape& d, const Shape& s) {
  switch (elsize) {
    case 1: return strided_copy(static_cast<uint8_t*>(dst), static_cast<const uint8_t*>(src), d, s);
    case 4: return strided_copy(static_cast<uint32_t*>(dst), static_cast<const uint32_t*>(src), d, s);
    default: return strided_copy(static_cast<uint64_t*>(dst), static_cast<const uint64_t*>(src), d, s);
  }
}
}  // namespace detail

namespace {
using detail::strided_copy_bytes;

Shape row_major_strides(const Shape& shape) {
  Shape s;
  s.resize(shape.rank(), 1);
  for (int i = shape.rank() - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

// ---- shape_i ----------------------------------------------------------------
class ShapeIKernel final : public ShapeIOp {
 public:
  explicit ShapeIKernel(int axis) : ShapeIOp(axis) {}
  std::string name() const override { return "shape_i"; }
  std::string params() const override { return "axis=" + std::to_string(axis()); }
  Type infer(const InputInfos& in) const override {
    if (axis() < 0 || axis() >= in[0].rank())
      throw ShapeError("axis " + std::to_string(axis()) + " is out of range for shape " +
                       in[0].shape.str());
    return Type{DType::Int64, Shape{}};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    out.data<int64_t>()[0] = in[0]->shape()[axis()];
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var&) const override {
    return no_gradient(inputs);
  }
};

// ---- reshape ------------------------------------------------------------------
class ReshapeKernel final : public ReshapeOp {
 public:
  explicit ReshapeKernel(std::vector<int64_t> pattern) : ReshapeOp(std::move(pattern)) {}
  std::string name() const override { return "reshape"; }
  std::string params() const override { return "shape=" + pattern_str(nullptr); }
  // The dims given by inputs are known when their values are (constants, or at
  // run time); the -1 dim is inferred once every other dim and x's size are known.
  Type infer(const InputInfos& in) const override {
    for (size_t i = 1; i < in.size(); ++i) require_int_scalar(in[i], "reshape dim input", i);
    Shape out;
    int inferred = -1;
    bool all_known = true;
    int64_t known_prod = 1;
    size_t next = 1;
    for (size_t i = 0; i < pattern().size(); ++i) {
      int64_t p = pattern()[i];
      if (p == kSymbolic) {
        const InputInfo& dim = in[next++];
        if (!dim.has_value) {
          all_known = false;
          out.push_back(-1);
          continue;
        }
        p = dim.value;
      }
      if (p == -1) {
        if (inferred >= 0) throw ShapeError("reshape to " + pattern_str(&in) + ": only one dim may be -1");
        inferred = int(i);
      } else if (p < 0) {
        throw ShapeError("reshape to " + pattern_str(&in) + ": negative dim " + std::to_string(p) +
                         " at position " + std::to_string(i));
      } else {
        known_prod *= p;
      }
      out.push_back(p);
    }
    const int64_t n = in[0].shape.numel();
    if (inferred >= 0) {
      out[inferred] = -1;
      if (n >= 0 && all_known) {
        if (known_prod == 0 || n % known_prod != 0)
          throw ShapeError("cannot reshape " + in[0].shape.str() + " (" + std::to_string(n) +
                           " elements) into " + pattern_str(&in) + " (-1 = inferred)");
        out[inferred] = n / known_prod;
      }
    } else if (n >= 0 && all_known && n != known_prod) {
      throw ShapeError("cannot reshape " + in[0].shape.str() + " (" + std::to_string(n) +
                       " elements) into " + pattern_str(&in) + " (" + std::to_string(known_prod) +
                       " elements)");
    }
    return Type{in[0].dtype, out};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    if (out.nbytes()) std::memcpy(out.raw(), in[0]->raw(), out.nbytes());
  }
  // Tensors are contiguous: the same bytes read with another shape.
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int, Tensor& out) const override {
    out = in[0]->view(out.shape());
    return true;
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    std::vector<Var> grads(inputs.size());
    grads[0] = reshape(g, shape_dims(inputs[0]));
    return grads;
  }

  // x's dims: constants where static, shape_i otherwise.
  static Dims shape_dims(const Var& x) {
    Dims dims;
    for (int k = 0; k < x.rank(); ++k)
      dims.push_back(x.shape()[k] >= 0 ? Dim(x.shape()[k]) : Dim(shape_i(x, k)));
    return dims;
  }

 private:
  // "(?,3,-1)"; with `in`, the known values of the dim inputs instead of "?".
  std::string pattern_str(const InputInfos* in) const {
    std::string s = "(";
    size_t next = 1;
    for (size_t i = 0; i < pattern().size(); ++i) {
      if (i) s += ",";
      const int64_t p = pattern()[i];
      if (p != kSymbolic) s += std::to_string(p);
      else if (in && (*in)[next].has_value) s += std::to_string((*in)[next++].value);
      else s += "?", ++next;
    }
    return s + ")";
  }
};

// ---- dimshuffle -----------------------------------------------------------------
class DimshuffleKernel final : public DimshuffleOp {
 public:
  explicit DimshuffleKernel(std::vector<int> pattern) : DimshuffleOp(std::move(pattern)) {}
  std::string name() const override { return "dimshuffle"; }
  std::string params() const override { return "pattern=" + pattern_str(); }
  std::string pattern_str() const {
    std::string s = "(";
    for (size_t i = 0; i < pattern().size(); ++i) {
      if (i) s += ",";
      s += pattern()[i] == bcast ? std::string("x") : std::to_string(pattern()[i]);
    }
    return s + ")";
  }
  Type infer(const InputInfos& in) const override {
    const Shape& xs = in[0].shape;
    const int r = xs.rank();
    bool used[Shape::kMaxRank] = {};
    Shape out;
    for (int p : pattern()) {
      if (p == bcast) {
        out.push_back(1);
        continue;
      }
      if (p < 0 || p >= r)
        throw ShapeError("dimshuffle" + pattern_str() + ": axis " + std::to_string(p) +
                         " is out of range for shape " + xs.str());
      if (used[p])
        throw ShapeError("dimshuffle" + pattern_str() + ": axis " + std::to_string(p) +
                         " appears twice (shape " + xs.str() + ")");
      used[p] = true;
      out.push_back(xs[p]);
    }
    for (int k = 0; k < r; ++k)
      if (!used[k] && xs[k] != 1)
        throw ShapeError("dimshuffle" + pattern_str() + " drops axis " + std::to_string(k) +
                         " of shape " + xs.str() + ", but only axes of static size 1 may be dropped");
    return Type{in[0].dtype, out};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Shape xs = row_major_strides(in[0]->shape());
    Shape s;
    for (int p : pattern()) s.push_back(p == bcast ? 0 : xs[p]);
    strided_copy_bytes(out.raw(), in[0]->raw(), dtype_size(out.dtype()), out.shape(), s);
  }
  // Adding or dropping size-1 axes, or permuting axes that are 1 at run time,
  // keeps the element order: a view. A real permutation copies.
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int, Tensor& out) const override {
    const Shape& xs = in[0]->shape();
    int last = -1;
    for (int p : pattern()) {
      if (p == bcast || xs[p] == 1) continue;
      if (p < last) return false;
      last = p;
    }
    out = in[0]->view(out.shape());
    return true;
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    // For each axis of x: where it went, or a new size-1 axis if it was dropped.
    std::vector<int> inv;
    for (int k = 0; k < inputs[0].rank(); ++k) {
      int where = bcast;
      for (size_t j = 0; j < pattern().size(); ++j)
        if (pattern()[j] == k) where = int(j);
      inv.push_back(where);
    }
    return {dimshuffle(g, inv)};
  }
};

// ---- concatenate ----------------------------------------------------------------
class ConcatenateOp : public Op {
 public:
  explicit ConcatenateOp(int axis) : axis_(axis) {}
  std::string name() const override { return "concatenate"; }
  std::string params() const override { return "axis=" + std::to_string(axis_); }
  Type infer(const InputInfos& in) const override {
    auto all_shapes = [&] {
      std::string s;
      for (size_t i = 0; i < in.size(); ++i) s += (i ? ", " : "") + in[i].shape.str();
      return s;
    };
    const int r = in[0].rank();
    if (axis_ < 0 || axis_ >= r)
      throw ShapeError("axis " + std::to_string(axis_) + " is out of range for shapes " + all_shapes());
    Shape out = in[0].shape;
    for (size_t i = 1; i < in.size(); ++i) {
      if (in[i].dtype != in[0].dtype)
        throw TypeError("cannot concatenate dtypes " + std::string(dtype_name(in[0].dtype)) +
                        " and " + dtype_name(in[i].dtype));
      if (in[i].rank() != r)
        throw ShapeError("cannot concatenate shapes " + all_shapes() + ": ranks differ");
      for (int k = 0; k < r; ++k) {
        int64_t a = out[k], b = in[i].shape[k];
        if (k == axis_) {
          out[k] = (a >= 0 && b >= 0) ? a + b : -1;
        } else if (a >= 0 && b >= 0 && a != b) {
          throw ShapeError("cannot concatenate shapes " + all_shapes() + " along axis " +
                           std::to_string(axis_) + ": dim " + std::to_string(k) + " differs");
        } else if (a < 0) {
          out[k] = b;
        }
      }
    }
    return Type{in[0].dtype, out};
  }
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const size_t es = dtype_size(out.dtype());
    int64_t outer = 1, inner = 1;
    for (int k = 0; k < axis_; ++k) outer *= out.shape()[k];
    for (int k = axis_ + 1; k < out.rank(); ++k) inner *= out.shape()[k];
    char* dst = static_cast<char*>(out.raw());
    const size_t row = size_t(out.shape()[axis_] * inner) * es;
    size_t col = 0;
    for (int i = 0; i < n_in; ++i) {
      const size_t chunk = size_t(in[i]->shape()[axis_] * inner) * es;
      const char* src = static_cast<const char*>(in[i]->raw());
      if (chunk)
        for (int64_t o = 0; o < outer; ++o) std::memcpy(dst + o * row + col, src + o * chunk, chunk);
      col += chunk;
    }
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    std::vector<Var> grads;
    Bound start(int64_t(0));
    for (const Var& x : inputs) {
      const int64_t n = x.shape()[axis_];
      Bound stop;
      if (n >= 0 && !start.var.defined()) stop = Bound(start.value + n);
      else stop = Bound(add(start.var.defined() ? start.var : constant(double(start.value), DType::Int64),
                            n >= 0 ? constant(double(n), DType::Int64) : shape_i(x, axis_)));
      std::vector<Index> idx(size_t(axis_), Index::all());
      idx.push_back(Index::slice(start, stop));
      grads.push_back(subtensor(g, idx));
      start = stop;
    }
    return grads;
  }

 private:
  int axis_;
};

// ---- arange -----------------------------------------------------------------------
int64_t arange_length(int64_t start, int64_t stop, int64_t step) {
  if (step == 0) throw ValueError("step must not be 0");
  if (step > 0) return stop > start ? (stop - start + step - 1) / step : 0;
  return start > stop ? (start - stop - step - 1) / (-step) : 0;
}

class ArangeKernel final : public ArangeOp {
 public:
  std::string name() const override { return "arange"; }
  // The length is known when the three bounds are (constants, or at run time).
  Type infer(const InputInfos& in) const override {
    for (size_t i = 0; i < in.size(); ++i) require_int_scalar(in[i], "arange bound", i);
    const InputInfo &start = in[0], &stop = in[1], &step = in[2];
    if (step.has_value && step.value == 0) throw ValueError("step must not be 0");
    const bool known = start.has_value && stop.has_value && step.has_value;
    return Type{DType::Int64, Shape{known ? arange_length(start.value, stop.value, step.value) : -1}};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t start = in[0]->iat(0), step = in[2]->iat(0);
    int64_t* p = out.data<int64_t>();
    for (int64_t i = 0; i < out.size(); ++i) p[i] = start + i * step;
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var&) const override {
    return no_gradient(inputs);
  }
};

}  // namespace

// ---- API ------------------------------------------------------------------------------
Var shape_i(const Var& x, int axis, Loc loc) {
  if (axis < 0) axis += x.rank();
  return apply(std::make_shared<ShapeIKernel>(axis), {x}, loc);
}

Var reshape(const Var& x, const Dims& shape, Loc loc) {
  std::vector<int64_t> pattern;
  std::vector<Var> inputs{x};
  for (const Dim& d : shape) {
    int64_t v;
    if (constant_dim(d, v)) {
      // -1 is "inferred"; any other negative number is the caller's mistake (and
      // must not be taken for the pattern's internal marker of a symbolic dim).
      if (v < -1)
        throw ShapeError("nabla: reshape: dim " + std::to_string(pattern.size()) + " is " + std::to_string(v) +
                         "; dims must be >= 0, or -1 for the one inferred\n  in the expression created at " +
                         loc.str());
      pattern.push_back(v);
    } else {
      pattern.push_back(kSymbolic);
      inputs.push_back(d.var);
    }
  }
  return apply(std::make_shared<ReshapeKernel>(std::move(pattern)), std::move(inputs), loc);
}

Var dimshuffle(const Var& x, const std::vector<int>& pattern, Loc loc) {
  return apply(std::make_shared<DimshuffleKernel>(pattern), {x}, loc);
}

Var transpose(const Var& x, Loc loc) {
  std::vector<int> pattern;
  for (int k = x.rank() - 1; k >= 0; --k) pattern.push_back(k);
  return dimshuffle(x, pattern, loc);
}

Var flatten(const Var& x, int outdim, Loc loc) {
  if (outdim < 1 || (x.rank() > 0 && outdim > x.rank()))
    throw ValueError("nabla: flatten: outdim " + std::to_string(outdim) + " is out of range for " +
                     x.type().str() + "\n  in the expression created at " + loc.str());
  Dims dims;
  for (int k = 0; k < outdim - 1; ++k)
    dims.push_back(x.shape()[k] >= 0 ? Dim(x.shape()[k]) : Dim(shape_i(x, k, loc)));
  int64_t rest = 1;
  for (int k = outdim - 1; k < x.rank(); ++k) rest = (rest < 0 || x.shape()[k] < 0) ? -1 : rest * x.shape()[k];
  dims.push_back(Dim(rest));  // -1 (inferred) unless static
  return reshape(x, dims, loc);
}

Var concatenate(const std::vector<Var>& xs, int axis, Loc loc) {
  if (xs.empty()) throw ValueError("nabla: concatenate needs at least one tensor\n  in the expression created at " + loc.str());
  DType t = xs[0].dtype();
  for (const Var& x : xs)
    if (x.defined()) t = promote(t, x.dtype());
  std::vector<Var> ins;
  for (const Var& x : xs) ins.push_back(x.defined() && x.dtype() != t ? cast(x, t, loc) : x);
  const int rank = xs[0].defined() ? xs[0].rank() : 0;
  if (xs[0].defined() && (axis < -rank || axis >= rank))  // named as the caller wrote it, before wrapping
    throw ShapeError("nabla: concatenate: axis " + std::to_string(axis) + " is out of range for tensors of rank " +
                     std::to_string(rank) + " (shape " + xs[0].shape().str() + ")\n  in the expression created at " +
                     loc.str());
  if (axis < 0) axis += rank;
  return apply(std::make_shared<ConcatenateOp>(axis), std::move(ins), loc);
}

Var arange(const Dim& stop, Loc loc) { return arange(Dim(0), stop, Dim(1), loc); }

Var arange(const Dim& start, const Dim& stop, const Dim& step, Loc loc) {
  return apply(std::make_shared<ArangeKernel>(), {dim_var(start, loc), dim_var(stop, loc), dim_var(step, loc)}, loc);
}

void register_shape_rewrites();  // ops/shape_rewrites.cpp

void register_shape_ops() {
  register_op({"shape_i", "shape", "size of x along one axis, as an int64 scalar",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<ShapeIKernel>(int(p.integer("axis"))); }});
  register_op({"reshape", "shape", "x with a new shape of the same size (one dim may be -1)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 std::vector<int64_t> pattern;  // '?': the next dim input
                 for (const std::string& d : p.list("shape"))
                   pattern.push_back(d == "?" ? kSymbolic : p.to_integer(d, "a dim"));
                 return std::make_shared<ReshapeKernel>(std::move(pattern));
               }});
  register_op({"dimshuffle", "shape", "permute axes, insert (x) or drop size-1 axes",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 std::vector<int> pattern;  // 'x': a new broadcastable axis
                 for (const std::string& d : p.list("pattern"))
                   pattern.push_back(d == "x" ? bcast : int(p.to_integer(d, "an axis")));
                 return std::make_shared<DimshuffleKernel>(std::move(pattern));
               }});
  register_op({"concatenate", "shape", "join tensors along an existing axis",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<ConcatenateOp>(int(p.integer("axis"))); }});
  register_op({"arange", "shape", "int64 values start, start+step, ... before stop",
               [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<ArangeKernel>(); }});
  register_shape_rewrites();
}

}  // namespace nabla
