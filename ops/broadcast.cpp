// Broadcasting helpers that gradients are built from (broadcast_like, sum_like,
// each the other's pullback) and the fill constructors (fill_like, full).
#include <cstdio>
#include <cstring>
#include <memory>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/parallel.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/broadcast_internal.hpp"
#include "ops/broadcast_ops.hpp"

namespace nabla {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

void expect_inputs(const InputInfos& in, size_t n) {
  if (in.size() != n)
    throw ValueError("expects " + std::to_string(n) + " inputs, got " + std::to_string(in.size()));
}

// broadcast_like(a, ref): a repeated to exactly ref's shape.
class BroadcastLikeOp : public Op {
 public:
  bool reads_input_values(int k) const override { return k != 1; }  // the reference: its shape only
  std::string name() const override { return "broadcast_like"; }

  Type infer(const InputInfos& in) const override {
    expect_inputs(in, 2);
    const Shape& a = in[0].shape;
    const Shape& r = in[1].shape;
    check(a, r);
    Type out{in[0].dtype, r};
    // Where ref's dim is unknown but a's is known (and not 1), a's dim is the answer.
    const int off = r.rank() - a.rank();
    for (int i = 0; i < a.rank(); ++i)
      if (out.shape[i + off] == -1 && a[i] > 1) out.shape[i + off] = a[i];
    return out;
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const Tensor& a = *in[0];
    const int64_t n = out.size();
    if (n == 0) return;
    if (a.size() == n) {
      std::memcpy(out.raw(), a.raw(), out.nbytes());
      return;
    }
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* pa = a.data<T>();
      T* po = out.data<T>();
      if (a.size() == 1) {
        const T v = pa[0];
        for (int64_t i = 0; i < n; ++i) po[i] = v;
        return;
      }
      int64_t so[Shape::kMaxRank], sa[Shape::kMaxRank];
      detail::contiguous_strides(out.shape(), so);
      detail::broadcast_strides(a.shape(), out.shape(), sa);
      const int64_t* st[2] = {so, sa};
      detail::StridedLoop<2> loop(out.shape(), st);
      const int64_t ia = loop.inner_stride(1);
      loop.run([&](const int64_t* off, int64_t len) {
        T* o = po + off[0];
        const T* x = pa + off[1];
        if (ia == 0) {
          const T v = x[0];
          for (int64_t i = 0; i < len; ++i) o[i] = v;
        } else if (ia == 1) {
          std::memcpy(o, x, size_t(len) * sizeof(T));
        } else {
          for (int64_t i = 0; i < len; ++i) o[i] = x[i * ia];
        }
      });
    });
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    return {sum_like(g, in[0]), Var()};
  }

 private:
  static void check(const Shape& a, const Shape& r) {
    if (!detail::broadcasts_to(a, r))
      throw ShapeError("cannot broadcast shape " + a.str() + " to shape " + r.str());
  }
};

// A sum down to a block of consecutive axes: g viewed as (outer, mid, inner) and
// out[m] = sum over o, i of g[o, m, i] -- a bias gradient (conv: (N,K,H,W) to
// (1,K,1,1); dense: (N,n) to (n,)). Found when out's axes other than 1 are
// consecutive and equal g's there.
struct BlockSum {
  int64_t outer = 1, mid = 1, inner = 1;
};
bool block_sum(const Shape& g, const Shape& out, BlockSum& b) {
  const int r = g.rank(), lead = g.rank() - out.rank();
  if (lead < 0) return false;
  auto out_dim = [&](int d) { return d < lead ? int64_t(1) : out[d - lead]; };
  int first = r, last = -1;
  for (int d = 0; d < r; ++d)
    if (out_dim(d) != 1) first = std::min(first, d), last = d;
  if (last < 0) first = last = r;  // a sum of everything: mid is empty
  for (int d = 0; d < r; ++d) {
    const bool in_block = d >= first && d <= last;
    if (in_block && out_dim(d) != g[d]) return false;
    if (!in_block && out_dim(d) != 1) return false;
    (d < first ? b.outer : in_block ? b.mid : b.inner) *= g[d];
  }
  return true;
}

// p[0] + ... + p[n-1] in kLanes interleaved partial sums (lane i mod kLanes,
// then added in lane order): vectorizable, and the same order on every call.
// 32 lanes are four 8-wide (or two 16-wide) vectors, so four (two) additions
// are in flight instead of one chain waiting on the add latency.
template <class T>
T contiguous_sum(const T* p, int64_t n) {
  constexpr int kLanes = 32;
  T lane[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lane[l] += p[i + l];
  for (int l = 0; i < n; ++i, ++l) lane[l] += p[i];
  T acc = T(0);
  for (int l = 0; l < kLanes; ++l) acc += lane[l];
  return acc;
}

// out[m] is accumulated over o in order, each inner row by contiguous_sum, so the
// result is the same bits on any thread count; threads take blocks of m.
template <class T>
void sum_block(const T* g, const BlockSum& b, T* out) {
  const int nt = b.mid >= 2 ? threads_for(b.outer * b.mid * b.inner, 65536) : 1;
  parallel_blocks(nt, [&](int t, int of) {
    const int64_t m0 = block_begin(b.mid, t, of), m1 = block_begin(b.mid, t + 1, of);
    for (int64_t m = m0; m < m1; ++m) out[m] = T(0);
    for (int64_t o = 0; o < b.outer; ++o) {
      const T* row = g + o * b.mid * b.inner;
      if (b.inner == 1) {
        for (int64_t m = m0; m < m1; ++m) out[m] += row[m];
      } else {
        for (int64_t m = m0; m < m1; ++m) out[m] += contiguous_sum(row + m * b.inner, b.inner);
      }
    }
  });
}

// sum_like(g, ref): g summed down to ref's shape (undoes a broadcast of ref).
class SumLikeOp : public Op {
 public:
  bool reads_input_values(int k) const override { return k != 1; }  // the reference: its shape only
  std::string name() const override { return "sum_like"; }

  Type infer(const InputInfos& in) const override {
    expect_inputs(in, 2);
    check(in[0].shape, in[1].shape);
    return Type{in[0].dtype, in[1].shape};
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const Tensor& g = *in[0];
    const int64_t n = out.size();
    if (n == 0) return;
    if (g.size() == n) {
      std::memcpy(out.raw(), g.raw(), out.nbytes());
      return;
    }
    BlockSum block;
    if ((out.dtype() == DType::Float32 || out.dtype() == DType::Float64) && block_sum(g.shape(), out.shape(), block)) {
      if (out.dtype() == DType::Float32)
        sum_block(g.data<float>(), block, out.data<float>());
      else
        sum_block(g.data<double>(), block, out.data<double>());
      return;
    }
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* po = out.data<T>();
      for (int64_t i = 0; i < n; ++i) po[i] = T(0);
      int64_t so[Shape::kMaxRank];
      detail::broadcast_strides(out.shape(), g.shape(), so);
      if constexpr (std::is_same<T, bool>::value) {
        detail::reduce_into(g.data<T>(), g.shape(), po, so, [](T& acc, T v) { acc = acc || v; });
      } else {
        detail::reduce_into(g.data<T>(), g.shape(), po, so, [](T& acc, T v) { acc += v; });
      }
    });
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    return {broadcast_like(g, in[0]), Var()};
  }

 private:
  static void check(const Shape& g, const Shape& r) {
    if (!detail::broadcasts_to(r, g))
      throw ShapeError("cannot sum shape " + g.str() + " down to shape " + r.str() +
                       " (the target must broadcast to the source)");
  }
};

// Every element of `out` set to `value` (bool: value != 0).
void fill_with(Tensor& out, double value) {
  dispatch(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T v = std::is_same<T, bool>::value ? T(value != 0) : static_cast<T>(value);
    T* p = out.data<T>();
    for (int64_t i = 0, n = out.size(); i < n; ++i) p[i] = v;
  });
}

// fill_like(x, value, dtype): x's shape, every element `value`. Reads only x's shape.
class FillLikeKernel final : public FillLikeOp {
 public:
  FillLikeKernel(double value, DType dtype) : FillLikeOp(value, dtype) {}
  std::string name() const override { return "fill_like"; }
  std::string params() const override {
    return "value=" + number(value()) + ",dtype=" + dtype_name(dtype());
  }

  Type infer(const InputInfos& in) const override {
    expect_inputs(in, 1);
    return Type{dtype(), in[0].shape};
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override { fill_with(out, value()); }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    return no_gradient(in);
  }
};

// full(shape, value, dtype): constant dims live in params; each -1 there is
// taken, in order, from an integer scalar input.
class FullOp : public Op {
 public:
  FullOp(Shape dims, double value, DType dtype) : dims_(dims), value_(value), dtype_(dtype) {}
  std::string name() const override { return "full"; }
  std::string params() const override {
    return "shape=" + dims_.str() + ",value=" + number(value_) + ",dtype=" + dtype_name(dtype_);
  }

  // Dims given by an input are known when its value is (a constant, or at run time).
  Type infer(const InputInfos& in) const override {
    Shape s = dims_;
    size_t k = 0;
    for (int d = 0; d < dims_.rank(); ++d) {
      if (dims_[d] >= 0) continue;
      if (k >= in.size()) throw ValueError("too few dimension inputs");
      if (in[k].rank() != 0 || !is_integer(in[k].dtype))
        throw TypeError("dimension " + std::to_string(d) + " must be an integer scalar, got " +
                        in[k].str());
      if (in[k].has_value) {
        if (in[k].value < 0)
          throw ValueError("dimension " + std::to_string(d) + " is " + std::to_string(in[k].value) +
                           " (must be >= 0)");
        s[d] = in[k].value;
      }
      ++k;
    }
    if (k != in.size()) throw ValueError("too many dimension inputs");
    return Type{dtype_, s};
  }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    fill_with(out, value_);
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    return no_gradient(in);
  }

 private:
  Shape dims_;
  double value_;
  DType dtype_;
};

// broadcast_like(a, ref) and sum_like(g, ref) where the value already has ref's
// static shape are the value itself. grad() emits them for every broadcasting op
// whose shapes were open; once givens fix the batch size most are identities,
// and removing them lets the elementwise chains around them fuse.
Var same_shape_identity(const Var& v) {
  const Var &x = v.inputs()[0], &ref = v.inputs()[1];
  if (!x.shape().known() || x.shape() != ref.shape() || x.dtype() != v.dtype()) return Var();
  return x;
}

}  // namespace

Var broadcast_like(const Var& a, const Var& ref, Loc loc) {
  if (a.defined() && ref.defined() && a.shape() == ref.shape() && a.shape().known()) return a;
  return apply(std::make_shared<BroadcastLikeOp>(), {a, ref}, loc);
}

Var sum_like(const Var& g, const Var& ref, Loc loc) {
  if (g.defined() && ref.defined() && g.shape() == ref.shape() && g.shape().known()) return g;
  return apply(std::make_shared<SumLikeOp>(), {g, ref}, loc);
}

Var fill_like(const Var& x, double value, Loc loc) {
  if (!x.defined())
    throw ValueError("nabla: fill_like: the input is an undefined Var\n  in the expression created at " +
                     loc.str());
  return apply(std::make_shared<FillLikeKernel>(value, x.dtype()), {x}, loc);
}

Var zeros_like(const Var& x, Loc loc) { return fill_like(x, 0.0, loc); }
Var ones_like(const Var& x, Loc loc) { return fill_like(x, 1.0, loc); }

Var full(const Dims& shape, double value, DType dtype, Loc loc) {
  if (int(shape.size()) > Shape::kMaxRank)
    throw ShapeError("nabla: full: rank " + std::to_string(shape.size()) + " exceeds the maximum " +
                     std::to_string(Shape::kMaxRank) + "\n  in the expression created at " + loc.str());
  Shape dims;
  std::vector<Var> inputs;
  for (size_t d = 0; d < shape.size(); ++d) {
    const Dim& dim = shape[d];
    if (dim.var.defined()) {
      dims.push_back(-1);
      inputs.push_back(dim.var);
    } else if (dim.value < 0) {
      throw ValueError("nabla: full: dimension " + std::to_string(d) + " is " +
                       std::to_string(dim.value) + " (must be >= 0)\n  in the expression created at " +
                       loc.str());
    } else {
      dims.push_back(dim.value);
    }
  }
  return apply(std::make_shared<FullOp>(dims, value, dtype), inputs, loc);
}

namespace detail {
void register_broadcast_ops() {
  register_op({"broadcast_like", "broadcast", "a repeated to ref's shape (numpy broadcasting)",
               [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<BroadcastLikeOp>(); }});
  register_op({"sum_like", "broadcast", "g summed down to ref's shape (undoes broadcasting)",
               [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<SumLikeOp>(); }});
  register_op({"fill_like", "constructor", "x's shape filled with a value (no gradient into x)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<FillLikeKernel>(p.real("value"), p.dtype("dtype"));
               }});
  register_op({"full", "constructor", "a (possibly symbolic) shape filled with a value",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 Shape dims;  // '?': a dim read from an input
                 for (const std::string& d : p.list("shape")) dims.push_back(d == "?" ? -1 : p.to_integer(d, "a dim"));
                 return std::make_shared<FullOp>(dims, p.real("value"), p.dtype("dtype"));
               }});
  register_rewrite(node_rewriter<BroadcastLikeOp, SumLikeOp>(Phase::Canonicalize, "same_shape_identity",
                                                             same_shape_identity));
}
}  // namespace detail

}  // namespace nabla
