// Reductions: sum, max, min over any set of axes (keepdims or not), argmax
// along one axis, and mean as a composition. sum has fast paths for the shapes
// training hits: everything (a cost), axis 0 of a matrix (a bias gradient:
// column sums) and the last axis (rows); every other case walks the input once
// with the output's strides (0 along reduced axes).
#include <algorithm>
#include <limits>
#include <memory>

// GCC 12 reports its own AVX-512 intrinsics (`__m512 __Y = __Y;`) as
// uninitialized once xsimd's horizontal adds are inlined: a known false positive
// (TOOLCHAIN.md §1) that fires after inlining, so it is silenced for the file.
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xsimd/xsimd.hpp>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/broadcast_internal.hpp"
#include "ops/reduction_ops.hpp"

namespace nabla {

namespace {

using Red = ReduceKind;

const char* red_name(Red k) { return k == Red::Sum ? "sum" : k == Red::Max ? "max" : "min"; }

std::string axes_str(const std::vector<int>& axes) {
  std::string s = "(";
  for (size_t i = 0; i < axes.size(); ++i) s += (i ? "," : "") + std::to_string(axes[i]);
  return s + ")";
}

[[noreturn]] void throw_axis_range(int axis, const Shape& shape) {
  throw ShapeError("axis " + std::to_string(axis) + " is out of range for a tensor of rank " +
                   std::to_string(shape.rank()) + " with shape " + shape.str());
}

// Axes in [0, rank), sorted and unique, as a mask. Throws naming the bad axis.
// Allocates only on error.
void reduced_mask(const std::vector<int>& axes, const Shape& shape, bool* mask) {
  const int r = shape.rank();
  for (int d = 0; d < r; ++d) mask[d] = false;
  for (int a : axes) {
    if (a < -r || a >= r) throw_axis_range(a, shape);
    const int n = a < 0 ? a + r : a;
    if (mask[n]) throw ValueError("axis " + std::to_string(a) + " is repeated in " + axes_str(axes));
    mask[n] = true;
  }
}

// The axes a user wrote, in canonical form (non-negative, sorted) when they are
// valid for `rank`, so equal reductions merge; invalid ones are passed through
// unchanged and the op's infer() reports them with the op name and location.
std::vector<int> canonical_axes(const Axes& axes, int rank) {
  std::vector<int> out;
  if (axes.all) {
    for (int d = 0; d < rank; ++d) out.push_back(d);
    return out;
  }
  for (int a : axes.axes) {
    if (a < -rank || a >= rank) return axes.axes;
    out.push_back(a < 0 ? a + rank : a);
  }
  std::sort(out.begin(), out.end());
  if (std::adjacent_find(out.begin(), out.end()) != out.end()) return axes.axes;
  return out;
}

Shape reduced_shape(const Shape& s, const bool* mask, bool keepdims) {
  Shape out;
  for (int d = 0; d < s.rank(); ++d) {
    if (!mask[d]) out.push_back(s[d]);
    else if (keepdims) out.push_back(1);
  }
  return out;
}

// A gradient shaped like the reduction's output, with the reduced axes put back
// as size-1 axes, so it broadcasts against x.
Var expand_reduced(const Var& v, const std::vector<int>& axes, int rank, bool keepdims) {
  if (keepdims || v.rank() == 0 || v.rank() == rank) return v;
  std::vector<int> pattern;
  int k = 0;
  for (int d = 0; d < rank; ++d) {
    bool reduced = std::find(axes.begin(), axes.end(), d) != axes.end();
    pattern.push_back(reduced ? bcast : k++);
  }
  return dimshuffle(v, pattern);
}

// Row kernels: float rows use xsimd batches explicitly (auto-vectorization of
// reductions is fragile without reassociation flags); other dtypes loop.
template <class T, class R> R row_sum(const T* x, int64_t n) {
  if constexpr (std::is_floating_point<T>::value && std::is_same<T, R>::value) {
    using B = xsimd::batch<T>;
    constexpr int64_t W = int64_t(B::size);
    B a0(T(0)), a1(T(0));
    int64_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
      a0 += B::load_unaligned(x + i);
      a1 += B::load_unaligned(x + i + W);
    }
    for (; i + W <= n; i += W) a0 += B::load_unaligned(x + i);
    T s = xsimd::hadd(a0 + a1);
    for (; i < n; ++i) s += x[i];
    return s;
  } else {
    R s = 0;
    for (int64_t i = 0; i < n; ++i) s += static_cast<R>(x[i]);
    return s;
  }
}

// The largest (is_max) or smallest of a row; any NaN makes the result NaN, as in numpy.
template <class T> T row_extreme(const T* x, int64_t n, bool is_max, T init) {
  if constexpr (std::is_floating_point<T>::value) {
    using B = xsimd::batch<T>;
    constexpr int64_t W = int64_t(B::size);
    B acc(init);
    auto bad = B(T(0)) != B(T(0));  // all false
    int64_t i = 0;
    if (is_max)
      for (; i + W <= n; i += W) {
        const B v = B::load_unaligned(x + i);
        acc = xsimd::max(acc, v);
        bad = bad || (v != v);
      }
    else
      for (; i + W <= n; i += W) {
        const B v = B::load_unaligned(x + i);
        acc = xsimd::min(acc, v);
        bad = bad || (v != v);
      }
    if (xsimd::any(bad)) return std::numeric_limits<T>::quiet_NaN();
    alignas(64) T lanes[W];
    acc.store_aligned(lanes);
    T best = init;
    for (int64_t j = 0; j < W; ++j) best = is_max ? (lanes[j] > best ? lanes[j] : best) : (lanes[j] < best ? lanes[j] : best);
    for (; i < n; ++i) {
      if (x[i] != x[i]) return x[i];
      best = is_max ? (x[i] > best ? x[i] : best) : (x[i] < best ? x[i] : best);
    }
    return best;
  } else {
    T best = init;
    for (int64_t i = 0; i < n; ++i) best = is_max ? (x[i] > best ? x[i] : best) : (x[i] < best ? x[i] : best);
    return best;
  }
}

template <class T, class R> void sum_kernel(const Tensor& in, const bool* mask, Tensor& out) {
  const T* x = in.data<T>();
  R* o = out.data<R>();
  const Shape& s = in.shape();
  const int64_t n = in.size(), m = out.size();
  const int r = s.rank();
  if (m == 0) return;
  if (m == 1) {  // everything (or only size-1 dims survive)
    o[0] = row_sum<T, R>(x, n);
    return;
  }
  if (r == 2 && mask[0] && !mask[1]) {  // column sums: rows added as vectors
    const int64_t rows = s[0], cols = s[1];
    for (int64_t j = 0; j < cols; ++j) o[j] = 0;
    for (int64_t i = 0; i < rows; ++i) {
      const T* row = x + i * cols;
      for (int64_t j = 0; j < cols; ++j) o[j] += static_cast<R>(row[j]);
    }
    return;
  }
  bool last_only = r >= 1 && mask[r - 1];
  for (int d = 0; d + 1 < r && last_only; ++d) last_only = !mask[d] || s[d] == 1;
  if (last_only) {  // one sum per row
    const int64_t len = s[r - 1];
    for (int64_t i = 0; i < m; ++i) o[i] = row_sum<T, R>(x + i * len, len);
    return;
  }
  for (int64_t i = 0; i < m; ++i) o[i] = 0;
  Shape kept = s;
  for (int d = 0; d < r; ++d)
    if (mask[d]) kept[d] = 1;
  int64_t so[Shape::kMaxRank];
  detail::broadcast_strides(kept, s, so);
  detail::reduce_into(
      x, s, o, so, [](R& acc, T v) { acc += static_cast<R>(v); },
      [](R& acc, const T* p, int64_t len) { acc += row_sum<T, R>(p, len); });
}

template <class T> T extreme_init(bool is_max) {
  using L = std::numeric_limits<T>;
  if (is_max) return L::has_infinity ? -L::infinity() : L::lowest();
  return L::has_infinity ? L::infinity() : L::max();
}

template <class T> void extreme_kernel(const Tensor& in, const bool* mask, bool is_max, Tensor& out) {
  const Shape& s = in.shape();
  const T* x = in.data<T>();
  T* o = out.data<T>();
  const int r = s.rank();
  const int64_t m = out.size();
  const T init = extreme_init<T>(is_max);
  if (m == 0) return;
  if (m == 1) {
    o[0] = row_extreme<T>(x, in.size(), is_max, init);
    return;
  }
  bool last_only = r >= 1 && mask[r - 1];
  for (int d = 0; d + 1 < r && last_only; ++d) last_only = !mask[d] || s[d] == 1;
  if (last_only) {
    const int64_t len = s[r - 1];
    for (int64_t i = 0; i < m; ++i) o[i] = row_extreme<T>(x + i * len, len, is_max, init);
    return;
  }
  for (int64_t i = 0; i < m; ++i) o[i] = init;
  Shape kept = s;
  for (int d = 0; d < r; ++d)
    if (mask[d]) kept[d] = 1;
  int64_t so[Shape::kMaxRank];
  detail::broadcast_strides(kept, s, so);
  // A NaN wins and then stays (v > NaN and v != v are both false), as in numpy.
  auto row = [is_max, init](T& acc, const T* p, int64_t len) {
    const T v = row_extreme<T>(p, len, is_max, init);
    if ((is_max ? v > acc : v < acc) || v != v) acc = v;
  };
  if (is_max)
    detail::reduce_into(x, s, o, so, [](T& acc, T v) { acc = (v > acc || v != v) ? v : acc; }, row);
  else
    detail::reduce_into(x, s, o, so, [](T& acc, T v) { acc = (v < acc || v != v) ? v : acc; }, row);
}

class ReduceKernel final : public ReduceOp {
 public:
  ReduceKernel(Red k, std::vector<int> axes, bool keepdims) : ReduceOp(k, std::move(axes), keepdims) {}
  std::string name() const override { return red_name(kind()); }
  std::string params() const override {
    return "axes=" + axes_str(axes()) + ",keepdims=" + (keepdims() ? "1" : "0");
  }

  Type infer(const InputInfos& in) const override {
    if (in.size() != 1) throw ValueError("expects 1 input, got " + std::to_string(in.size()));
    const Shape& s = in[0].shape;
    bool mask[Shape::kMaxRank];
    reduced_mask(axes(), s, mask);
    if (kind() != Red::Sum)
      for (int d = 0; d < s.rank(); ++d)
        if (mask[d] && s[d] == 0)
          throw ValueError(std::string(red_name(kind())) + " over axis " + std::to_string(d) +
                           " of size 0 (shape " + s.str() + ") has no identity");
    DType t = in[0].dtype;
    if (kind() == Red::Sum && !is_float(t)) t = DType::Int64;
    return Type{t, reduced_shape(s, mask, keepdims())};
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    bool mask[Shape::kMaxRank];
    reduced_mask(axes(), in[0]->shape(), mask);
    dispatch(in[0]->dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if (kind() == Red::Sum) {
        if constexpr (std::is_floating_point<T>::value) sum_kernel<T, T>(*in[0], mask, out);
        else sum_kernel<T, int64_t>(*in[0], mask, out);
      } else {
        extreme_kernel<T>(*in[0], mask, kind() == Red::Max, out);
      }
    });
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    const Var& x = in[0];
    if (!is_float(x.dtype())) return no_gradient(in);
    Var gx = broadcast_like(expand_reduced(g, axes(), x.rank(), keepdims()), x);
    if (kind() == Red::Sum) return {gx};
    // Only the elements equal to the extreme receive the gradient; ties share it
    // evenly, so the contributions sum to g (a subgradient, as torch.amax and
    // JAX do; docs/gradient_conventions.rst).
    Var hit = cast(eq(x, expand_reduced(out, axes(), x.rank(), keepdims())), x.dtype());
    Var ties = sum(hit, Axes(axes()), true);
    return {mul(gx, div(hit, ties))};
  }
};

class ArgmaxOp : public Op {
 public:
  ArgmaxOp(int axis, bool keepdims) : axis_(axis), keepdims_(keepdims) {}
  std::string name() const override { return "argmax"; }
  std::string params() const override {
    return "axis=" + std::to_string(axis_) + ",keepdims=" + (keepdims_ ? "1" : "0");
  }

  Type infer(const InputInfos& in) const override {
    if (in.size() != 1) throw ValueError("expects 1 input, got " + std::to_string(in.size()));
    const Shape& s = in[0].shape;
    Shape out = shape_of(s);
    if (s[axis(s)] == 0)
      throw ValueError("argmax over axis " + std::to_string(axis(s)) + " of size 0 (shape " +
                       s.str() + ")");
    return Type{DType::Int64, out};
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const Shape& s = in[0]->shape();
    const int a = axis(s);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < a; ++d) outer *= s[d];
    for (int d = a + 1; d < s.rank(); ++d) inner *= s[d];
    const int64_t n = s[a];
    int64_t* o = out.data<int64_t>();
    dispatch(in[0]->dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = in[0]->data<T>();
      for (int64_t p = 0; p < outer; ++p) {
        const T* base = x + p * n * inner;
        int64_t* op = o + p * inner;
        if (inner == 1) {  // one row: first index of the largest (the first NaN if any)
          const T m = row_extreme<T>(base, n, true, extreme_init<T>(true));
          int64_t best = 0;
          if (m == m) {
            while (best + 1 < n && !(base[best] == m)) ++best;
          } else {
            while (best + 1 < n && base[best] == base[best]) ++best;
          }
          op[0] = best;
          continue;
        }
        for (int64_t j = 0; j < inner; ++j) op[j] = 0;
        for (int64_t i = 1; i < n; ++i)
          for (int64_t j = 0; j < inner; ++j) {
            const T v = base[i * inner + j], b = base[op[j] * inner + j];
            if ((v > b || v != v) && b == b) op[j] = i;
          }
      }
    });
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    return no_gradient(in);
  }

 private:
  int axis(const Shape& s) const {
    if (axis_ < -s.rank() || axis_ >= s.rank()) throw_axis_range(axis_, s);
    return axis_ < 0 ? axis_ + s.rank() : axis_;
  }
  Shape shape_of(const Shape& s) const {
    const int a = axis(s);
    Shape out;
    for (int d = 0; d < s.rank(); ++d) {
      if (d != a) out.push_back(s[d]);
      else if (keepdims_) out.push_back(1);
    }
    return out;
  }

  int axis_;
  bool keepdims_;
};

Var reduce(Red k, const Var& x, const Axes& axes, bool keepdims, Loc loc) {
  if (!x.defined())
    throw ValueError(std::string("nabla: ") + red_name(k) +
                     ": the input is an undefined Var\n  in the expression created at " + loc.str());
  return apply(std::make_shared<ReduceKernel>(k, canonical_axes(axes, x.rank()), keepdims), {x}, loc);
}

}  // namespace

Var sum(const Var& x, Axes axes, bool keepdims, Loc loc) { return reduce(Red::Sum, x, axes, keepdims, loc); }
Var max(const Var& x, Axes axes, bool keepdims, Loc loc) { return reduce(Red::Max, x, axes, keepdims, loc); }
Var min(const Var& x, Axes axes, bool keepdims, Loc loc) { return reduce(Red::Min, x, axes, keepdims, loc); }

Var mean(const Var& x, Axes axes, bool keepdims, Loc loc) {
  Var s = sum(x, axes, keepdims, loc);  // validates the axes
  if (!is_float(s.dtype())) s = cast(s, floatX, loc);
  const std::vector<int> reduced = canonical_axes(axes, x.rank());
  bool known = true;
  int64_t count = 1;
  for (int a : reduced) {
    if (x.shape()[a] < 0) known = false;
    else count *= x.shape()[a];
  }
  if (known) return div(s, literal(double(count), s, loc), loc);
  // Counted at run time; the dims known statically fold to constants when compiled.
  Var c;
  for (int a : reduced) {
    Var d = shape_i(x, a, loc);
    c = c.defined() ? mul(c, d, loc) : d;
  }
  return div(s, cast(c, s.dtype(), loc), loc);
}

Var argmax(const Var& x, int axis, bool keepdims, Loc loc) {
  if (!x.defined())
    throw ValueError("nabla: argmax: the input is an undefined Var\n  in the expression created at " +
                     loc.str());
  const int r = x.rank();
  const int a = (axis < 0 && axis >= -r) ? axis + r : axis;  // canonical when valid
  return apply(std::make_shared<ArgmaxOp>(a, keepdims), {x}, loc);
}

void register_reduction_ops() {
  auto make = [](const OpParams& p) -> std::shared_ptr<const Op> {
    std::vector<int> axes;
    for (int64_t a : p.ints("axes")) axes.push_back(int(a));
    const Red k = p.op() == "sum" ? Red::Sum : p.op() == "max" ? Red::Max : Red::Min;
    return std::make_shared<ReduceKernel>(k, std::move(axes), p.flag("keepdims"));
  };
  register_op({"sum", "reduction", "sum over axes (bool/int sum to int64)", make});
  register_op({"max", "reduction", "largest element over axes", make});
  register_op({"min", "reduction", "smallest element over axes", make});
  register_op({"argmax", "reduction", "index of the largest element along one axis (int64, no gradient)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<ArgmaxOp>(int(p.integer("axis")), p.flag("keepdims"));
               }});
}

}  // namespace nabla
