// Max pooling over the last two axes with non-overlapping (wh, ww) windows, as
// Theano's pool_2d(ws, ignore_border, mode="max"): ignore_border drops the
// partial windows at the bottom and right edges, otherwise they are pooled too.
// Three ops share one window walk that finds each window's argmax (with fast
// paths for 2x2 windows, the book's case):
//   pool_2d(x)             the window maxima
//   max_pool_grad(x, g)    g routed to each window's argmax, zeros elsewhere (shaped like x)
//   max_pool_select(x, h)  h read at each window's argmax of x (shaped like the pool)
// Ties: the first maximum in row-major window order takes all of the gradient
// (Theano routes to every tied position; for distinct values the two agree).
// grad and select are linear in their second input and adjoint to each other,
// and piecewise constant in x, so gradients of any order stay in this family.
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/parallel.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/pool_ops.hpp"

namespace nabla {

namespace {

// Window rows per chunk of max_pool_2x2 (its vertical maxima, 64 x W, stay in
// L1) and per chunk that threads share out.
constexpr int64_t kChunkRows = 64;
// Planes per chunk that threads share out in max_pool_grad.
constexpr int64_t kChunkPlanes = 8;

// Elements of x below which pooling stays on one thread (waking the other costs
// a few microseconds; see the commit that added it for the measurement).
constexpr int64_t kParallelMinElements = 8192;

using Window = PoolWindow;

// The pooling kernels' per-thread buffers: a tag of their own, because conv's
// fused ops (ops/conv.cpp) call them between im2col (tag 0) and its GEMM.
constexpr int kPoolScratch = 3;

// The walk's geometry: plane (H, W), pooled plane (Ho, Wo), number of planes.
struct RowWalk {
  int64_t H, W, Ho, Wo, planes;
  RowWalk(const Shape& xs, const Window& w) {
    const int r = xs.rank();
    H = xs[r - 2];
    W = xs[r - 1];
    Ho = w.out_len(H, w.wh);
    Wo = w.out_len(W, w.ww);
    planes = H * W > 0 ? xs.numel() / (H * W) : 0;
  }
};

// The maxima only: branch-free, and for 2-wide windows a loop the compiler vectorizes.
// Planes [p0, p1) of each kernel below are independent of the others.
template <class T>
void max_pool(const T* x, const Shape& xs, const Window& w, T* out, int64_t p0, int64_t p1) {
  const RowWalk g(xs, w);
  if (g.Ho == 0 || g.Wo == 0) return;
  for (int64_t p = p0; p < p1; ++p)
    for (int64_t i = 0; i < g.Ho; ++i) {
      T* o = out + (p * g.Ho + i) * g.Wo;
      const int64_t r0 = i * w.wh, r1 = std::min(r0 + w.wh, g.H);
      for (int64_t rr = r0; rr < r1; ++rr) {
        const T* row = x + (p * g.H + rr) * g.W;
        int64_t j = 0;
        if (w.ww == 2)  // the common case, all full windows at once
          for (; j < g.W / 2; ++j) {
            const T m = std::max(row[2 * j], row[2 * j + 1]);
            o[j] = rr == r0 ? m : std::max(o[j], m);
          }
        for (; j < g.Wo; ++j) {
          const int64_t c0 = j * w.ww, c1 = std::min(c0 + w.ww, g.W);
          T m = row[c0];
          for (int64_t c = c0 + 1; c < c1; ++c) m = std::max(m, row[c]);
          o[j] = rr == r0 ? m : std::max(o[j], m);
        }
      }
    }
}

// pool_2d for 2x2 windows when every window row is full and W is even (the
// book's layers): window rows [q0, q1) over all planes, in chunks whose
// vertical maxima sit in L1 scratch. Each loop is long and unit-stride, so it
// vectorizes; the generic walk above runs 12-wide rows with a branch per row.
// Pairing scratch columns 2k, 2k+1 of consecutive window rows lands output k
// in order because W = 2 * Wo.
template <class T>
void max_pool_2x2(const T* x, T* out, int64_t q0, int64_t q1, int64_t H, int64_t W, int64_t Ho) {
  const int64_t Wo = W / 2;
  T* v = thread_scratch<T, kPoolScratch>(size_t(kChunkRows * W));
  for (int64_t c0 = q0; c0 < q1; c0 += kChunkRows) {
    const int64_t c1 = std::min(c0 + kChunkRows, q1);
    for (int64_t q = c0; q < c1; ++q) {
      const T* top = x + ((q / Ho) * H + 2 * (q % Ho)) * W;  // plane q / Ho, window row q % Ho
      const T* bottom = top + W;
      T* vr = v + (q - c0) * W;
      for (int64_t c = 0; c < W; ++c) vr[c] = std::max(top[c], bottom[c]);
    }
    T* o = out + c0 * Wo;
    const int64_t n = (c1 - c0) * Wo;
    for (int64_t k = 0; k < n; ++k) o[k] = std::max(v[2 * k], v[2 * k + 1]);
  }
}

// First maxima of n full 2x2 windows side by side, rows `row` and row + W:
// flat indices (base = the flat index of row[0]) into at[0..n).
template <class T>
void argmax_2x2(const T* row, int64_t W, int64_t n, int64_t base, int64_t* at) {
  const T* below = row + W;
  for (int64_t j = 0; j < n; ++j) {
    const T a = row[2 * j], b = row[2 * j + 1], c = below[2 * j], d = below[2 * j + 1];
    const int64_t top = b > a, bottom = d > c;  // ties keep the left element
    const bool down = std::max(c, d) > std::max(a, b);  // ties keep the top row
    at[j] = base + 2 * j + (down ? W + bottom : top);
  }
}

// max_pool_grad when 2x2 windows tile the planes exactly (the book's layers):
// every element of gx is written once, g at its window's first maximum and 0
// elsewhere, instead of a memset and a scatter. Columns [j0, Wo) of window rows.
template <class T>
void max_pool_grad_2x2_rows(const T* xt, const T* xb, const T* gr, T* ot, T* ob, int64_t j0, int64_t Wo) {
  for (int64_t j = j0; j < Wo; ++j) {
    const T a = xt[2 * j], b = xt[2 * j + 1], c = xb[2 * j], d = xb[2 * j + 1];
    const bool top = b > a, bottom = d > c;                      // ties keep the left element
    const bool down = std::max(c, d) > std::max(a, b);           // ties keep the top row
    const T v = gr[j];
    ot[2 * j] = !down && !top ? v : T(0);
    ot[2 * j + 1] = !down && top ? v : T(0);
    ob[2 * j] = down && !bottom ? v : T(0);
    ob[2 * j + 1] = down && bottom ? v : T(0);
  }
}

// The same for float, a vector of columns at a time: each lane compares with
// its window neighbour (lanes swapped in pairs), so no deinterleaving is needed.
// Picks the same element as the scalar rule for all non-NaN inputs.
struct SwapPairs {
  static constexpr unsigned get(unsigned i, unsigned) { return i ^ 1u; }
};
struct EvenLanes {
  static constexpr bool get(unsigned i, unsigned) { return i % 2 == 0; }
};
inline int64_t max_pool_grad_2x2_rows_simd(const float* xt, const float* xb, const float* gr, float* ot, float* ob,
                                           int64_t W) {
  using V = xsimd::batch<float>;
  constexpr int64_t L = int64_t(V::size);
  if constexpr (L < 2) {
    return 0;
  } else {
    constexpr auto swap = xsimd::make_batch_constant<xsimd::batch<uint32_t>, SwapPairs>();
    const xsimd::batch_bool<float> even = xsimd::make_batch_bool_constant<V, EvenLanes>();
    alignas(64) float g2[L];
    int64_t k = 0;
    for (; k + L <= W; k += L) {
      const V a = V::load_unaligned(xt + k), c = V::load_unaligned(xb + k);
      const V pa = xsimd::swizzle(a, swap), pc = xsimd::swizzle(c, swap);
      // In its row, an even lane wins unless its right neighbour is larger; an odd lane only when larger.
      const auto top = (even & (!(pa > a))) | ((!even) & (a > pa));
      const auto bottom = (even & (!(pc > c))) | ((!even) & (c > pc));
      const auto down = xsimd::max(c, pc) > xsimd::max(a, pa);
      for (int64_t q = 0; q < L / 2; ++q) g2[2 * q] = g2[2 * q + 1] = gr[k / 2 + q];
      const V g = V::load_aligned(g2), zero(0.0f);
      xsimd::select((!down) & top, g, zero).store_unaligned(ot + k);
      xsimd::select(down & bottom, g, zero).store_unaligned(ob + k);
    }
    return k / 2;  // windows done
  }
}

template <class T>
void max_pool_grad_2x2_tiled(const T* x, const T* g, T* gx, int64_t p0, int64_t p1, int64_t H, int64_t W) {
  const int64_t Wo = W / 2;
  for (int64_t r = p0 * H; r < p1 * H; r += 2) {  // r: the top row of a window row, over all planes
    const T *xt = x + r * W, *xb = xt + W;
    T *ot = gx + r * W, *ob = ot + W;
    const T* gr = g + (r / 2) * Wo;
    int64_t j0 = 0;
    if constexpr (std::is_same_v<T, float>) j0 = max_pool_grad_2x2_rows_simd(xt, xb, gr, ot, ob, W);
    max_pool_grad_2x2_rows(xt, xb, gr, ot, ob, j0, Wo);
  }
}

// Calls f(o, a) for every window: o its flat index in the pooled tensor, a the
// flat index in x of its first maximum (row-major window order). One output row
// at a time, with the running maxima in scratch and conditional moves instead of
// branches (random data would mispredict every other compare).
template <class T, class F>
void for_each_window(const T* x, const Shape& xs, const Window& w, int64_t p0, int64_t p1, F&& f) {
  const RowWalk g(xs, w);
  if (g.Ho == 0 || g.Wo == 0) return;
  T* best = thread_scratch<T, kPoolScratch>(size_t(g.Wo));
  int64_t* at = thread_scratch<int64_t, kPoolScratch>(size_t(g.Wo));
  for (int64_t p = p0; p < p1; ++p)
    for (int64_t i = 0; i < g.Ho; ++i) {
      const int64_t r0 = i * w.wh, r1 = std::min(r0 + w.wh, g.H);
      const int64_t first = (p * g.H + r0) * g.W;
      for (int64_t j = 0; j < g.Wo; ++j) {
        best[j] = x[first + j * w.ww];
        at[j] = first + j * w.ww;
      }
      int64_t j0 = 0;  // windows done by the 2x2 path
      if (w.wh == 2 && w.ww == 2 && r1 - r0 == 2) {
        j0 = g.W / 2;
        argmax_2x2(x + first, g.W, j0, first, at);
      }
      for (int64_t rr = r0; rr < r1; ++rr) {
        const int64_t off = (p * g.H + rr) * g.W;
        for (int64_t j = j0; j < g.Wo; ++j) {
          const int64_t c0 = j * w.ww, c1 = std::min(c0 + w.ww, g.W);
          for (int64_t c = c0; c < c1; ++c) {
            const T v = x[off + c];
            const int64_t take = -int64_t(v > best[j]);  // all ones when v wins: a mask, not a branch
            best[j] = std::max(best[j], v);
            at[j] = (at[j] & ~take) | ((off + c) & take);
          }
        }
      }
      const int64_t o = (p * g.Ho + i) * g.Wo;
      for (int64_t j = 0; j < g.Wo; ++j) f(o + j, at[j]);
    }
}

// Whether pool_2d takes max_pool_2x2 on (H, W) planes: 2x2 windows, W even, and
// every window row full.
bool pools_2x2(const Window& w, int64_t H, int64_t W) {
  return w.wh == 2 && w.ww == 2 && W % 2 == 0 && (H % 2 == 0 || w.ignore_border);
}

// pool_2d over planes [0, planes) of x and out (pointers at the first plane).
template <class T>
void max_planes(const T* x, T* out, int64_t planes, int64_t H, int64_t W, const Window& w) {
  if (pools_2x2(w, H, W)) {
    const int64_t Ho = w.out_len(H, 2);
    return max_pool_2x2(x, out, 0, planes * Ho, H, W, Ho);
  }
  max_pool(x, Shape{planes, H, W}, w, out, 0, planes);
}

// max_pool_grad over planes [0, planes) of x, g and gx (pointers at the first
// plane): every element of gx written. Planes are independent, so a thread's
// block of them, or one image's, is a call.
template <class T>
void grad_planes(const T* x, const T* g, T* gx, int64_t planes, int64_t H, int64_t W, const Window& w) {
  if (w.wh == 2 && w.ww == 2 && H % 2 == 0 && W % 2 == 0)  // windows tile the planes: each element written once
    return max_pool_grad_2x2_tiled(x, g, gx, 0, planes, H, W);
  std::memset(gx, 0, size_t(planes * H * W) * sizeof(T));
  for_each_window(x, Shape{planes, H, W}, w, 0, planes, [&](int64_t o, int64_t a) { gx[a] += g[o]; });
}

class PoolOp : public MaxPoolFamilyOp {
 public:
  PoolOp(PoolKind kind, Window w) : MaxPoolFamilyOp(kind, w) {}
  std::string name() const override {
    switch (kind()) {
      case PoolKind::Max: return "pool_2d";
      case PoolKind::Grad: return "max_pool_grad";
      case PoolKind::Select: return "max_pool_select";
    }
    return "";
  }
  std::string params() const override {
    return "ws=(" + std::to_string(window().wh) + "," + std::to_string(window().ww) +
           "),ignore_border=" + (window().ignore_border ? "1" : "0");
  }

  Type infer(const InputInfos& in) const override {
    const Type& x = in[0];
    if (x.rank() < 2) throw ShapeError("needs at least 2 axes (..., H, W), got shape " + x.shape.str());
    const Shape pooled = window().pooled(x.shape);
    if (kind() == PoolKind::Max) return Type{x.dtype, pooled};
    const Type& v = in[1];
    if (!is_float(v.dtype) || v.dtype != x.dtype)
      throw TypeError("x and the second input must share one float dtype, got " + x.str() + " and " + v.str());
    // Grad: v is shaped like the pool, out like x. Select: v like x, out like the pool.
    const Shape& want = kind() == PoolKind::Grad ? pooled : x.shape;
    check_second(x.shape, v.shape, want);
    return Type{x.dtype, kind() == PoolKind::Grad ? x.shape : pooled};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Tensor& x = *in[0];
    const RowWalk g(x.shape(), window());
    // Planes split over threads in fixed blocks when there are enough elements
    // (6.2's 200 planes of 24x24: the 2x2 pool takes ~15 us on one thread of a Zen 4 VM).
    const int nt = threads_for(x.size(), kParallelMinElements);
    if (kind() == PoolKind::Max)  // any dtype
      return dispatch(x.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        if constexpr (!std::is_same_v<T, bool>) {  // (no bool scratch: vector<bool> has no data())
          if (pools_2x2(window(), g.H, g.W)) {
            const int64_t rows = g.planes * g.Ho;  // window rows, in chunks shared out by parallel_chunks
            return parallel_chunks(nt, ceil_div(rows, kChunkRows), [&](int64_t c) {
              max_pool_2x2(x.data<T>(), out.data<T>(), c * kChunkRows, std::min(rows, (c + 1) * kChunkRows), g.H,
                           g.W, g.Ho);
            });
          }
        }
        parallel_blocks(nt, [&](int t, int n) {
          max_pool(x.data<T>(), x.shape(), window(), out.data<T>(), block_begin(g.planes, t, n),
                   block_begin(g.planes, t + 1, n));
        });
      });
    dispatch_float(x.dtype(), [&](auto tag) {  // infer() made both inputs float
      using T = typename decltype(tag)::type;
      const T* px = x.data<T>();
      const T* v = in[1]->data<T>();
      T* po = out.data<T>();
      const int64_t plane = g.H * g.W, pooled_plane = g.Ho * g.Wo;
      if (kind() == PoolKind::Grad)  // planes in chunks shared out by parallel_chunks
        return parallel_chunks(nt, ceil_div(g.planes, kChunkPlanes), [&](int64_t c) {
          const int64_t p0 = c * kChunkPlanes, p1 = std::min(g.planes, p0 + kChunkPlanes);
          grad_planes(px + p0 * plane, v + p0 * pooled_plane, po + p0 * plane, p1 - p0, g.H, g.W, window());
        });
      parallel_blocks(nt, [&](int t, int n) {
        const int64_t p0 = block_begin(g.planes, t, n), p1 = block_begin(g.planes, t + 1, n);
        for_each_window(px, x.shape(), window(), p0, p1, [&](int64_t o, int64_t a) { po[o] = v[a]; });
      });
    });
  }

  // The argmax does not move under small changes of x, so x gets no gradient
  // from grad and select; their second inputs get each other's op.
  std::vector<Var> pullback(const std::vector<Var>& in, const Var&, const Var& g) const override {
    const std::vector<int> ws{int(window().wh), int(window().ww)};
    switch (kind()) {
      case PoolKind::Max: return {max_pool_grad(in[0], g, ws, window().ignore_border)};
      case PoolKind::Grad: return {Var(), max_pool_select(in[0], g, ws, window().ignore_border)};
      case PoolKind::Select: return {Var(), max_pool_grad(in[0], g, ws, window().ignore_border)};
    }
    return {};
  }

 private:
  static void check_second(const Shape& x, const Shape& v, const Shape& want) {
    bool ok = v.rank() == want.rank();
    for (int d = 0; ok && d < v.rank(); ++d) ok = v[d] < 0 || want[d] < 0 || v[d] == want[d];
    if (!ok)
      throw ShapeError("the second input of shape " + v.str() + " does not fit x of shape " + x.str() +
                       " (expected " + want.str() + ")");
  }
};

}  // namespace

PoolWindow pool_window(const std::vector<int>& ws, bool ignore_border, const char* fn, Loc loc) {
  if (ws.size() != 2 || ws[0] < 1 || ws[1] < 1) {
    std::string got = "(";
    for (size_t k = 0; k < ws.size(); ++k) got += (k ? "," : "") + std::to_string(ws[k]);
    throw ValueError(std::string("nabla: ") + fn + ": ws must be two positive sizes, got " + got +
                     ")\n  in the expression created at " + loc.str());
  }
  return Window{ws[0], ws[1], ignore_border};
}

namespace {

Var apply_pool(PoolKind kind, const std::vector<Var>& ins, const std::vector<int>& ws, bool ib,
               const char* fn, Loc loc) {
  return apply(std::make_shared<PoolOp>(kind, pool_window(ws, ib, fn, loc)), ins, loc);
}

}  // namespace

void max_pool_planes(const float* x, float* out, int64_t planes, int64_t H, int64_t W, const PoolWindow& w) {
  max_planes(x, out, planes, H, W, w);
}

void max_pool_planes(const double* x, double* out, int64_t planes, int64_t H, int64_t W, const PoolWindow& w) {
  max_planes(x, out, planes, H, W, w);
}

void max_pool_grad_planes(const float* x, const float* g, float* gx, int64_t planes, int64_t H, int64_t W,
                          const PoolWindow& w) {
  grad_planes(x, g, gx, planes, H, W, w);
}

void max_pool_grad_planes(const double* x, const double* g, double* gx, int64_t planes, int64_t H, int64_t W,
                          const PoolWindow& w) {
  grad_planes(x, g, gx, planes, H, W, w);
}

Var pool_2d(const Var& x, const std::vector<int>& ws, bool ignore_border, Loc loc) {
  return apply_pool(PoolKind::Max, {x}, ws, ignore_border, "pool_2d", loc);
}

Var max_pool_grad(const Var& x, const Var& gout, const std::vector<int>& ws, bool ignore_border, Loc loc) {
  return apply_pool(PoolKind::Grad, {x, gout}, ws, ignore_border, "max_pool_grad", loc);
}

Var max_pool_select(const Var& x, const Var& h, const std::vector<int>& ws, bool ignore_border, Loc loc) {
  return apply_pool(PoolKind::Select, {x, h}, ws, ignore_border, "max_pool_select", loc);
}

void register_pool_ops() {
  auto make = [](const OpParams& p) -> std::shared_ptr<const Op> {
    const std::vector<int64_t> ws = p.ints("ws");
    if (ws.size() != 2 || ws[0] < 1 || ws[1] < 1) p.fail("ws must be two positive sizes");
    const PoolKind kind = p.op() == "pool_2d" ? PoolKind::Max : p.op() == "max_pool_grad" ? PoolKind::Grad : PoolKind::Select;
    return std::make_shared<PoolOp>(kind, Window{ws[0], ws[1], p.flag("ignore_border")});
  };
  register_op({"pool_2d", "pool", "max over non-overlapping (wh,ww) windows of the last two axes", make});
  register_op({"max_pool_grad", "pool", "the output gradient routed to each window's first maximum", make});
  register_op({"max_pool_select", "pool", "h read at each window's first maximum of x", make});
}

}  // namespace nabla
