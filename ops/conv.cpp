// conv2d ("valid" mode, stride 1) and its two gradient ops, all three as
// im2col + one GEMM per image. With w the kernel as the correlation sees it
// (w = f flipped in both spatial axes when flip is set, as Theano's conv2d;
// w = f for cross-correlation):
//   conv2d(x, f)              y[n,k,i,j]  = sum_{c,a,b} x[n,c,i+a,j+b] w[k,c,a,b]
//   conv2d_grad_input(g, f)   gx[n,c,p,q] = sum_{k,a,b} g[n,k,p-a,q-b] w[k,c,a,b]  ("full" conv)
//   conv2d_grad_filters(x, g) gf = dL/df  with  gw[k,c,a,b] = sum_{n,i,j} g[n,k,i,j] x[n,c,i+a,j+b]
// The three are bilinear and adjoint to each other, so each one's pullback is
// built from the other two and gradients of any order stay in this family.
#include <cstring>
#include <type_traits>
#include <vector>

#include "core/dispatch.hpp"
#include "core/function.hpp"
#include "core/op.hpp"
#include "core/parallel.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/conv_ops.hpp"
#include "ops/gemm_split.hpp"
#include "ops/pool_ops.hpp"

namespace nabla {

namespace {

// ---- kernels ------------------------------------------------------------------

// Per-thread buffers (core/parallel.hpp's thread_scratch): tag 0 the im2col
// columns, tag 1 the calling thread's buffer for the per-chunk partial filter
// gradients, tag 2 one image's output gradient when it is max pooling's
// gradient made on the fly (the pooling kernels called here use tag 3).
template <class T, int Tag = 0>
T* scratch(size_t n) {
  return thread_scratch<T, Tag>(n);
}

// Geometry of one valid correlation: image (C,H,W), kernel (kh,kw), output (Ho,Wo).
struct Geom {
  int64_t C, H, W, kh, kw, Ho, Wo;
  int64_t ckk() const { return C * kh * kw; }
  int64_t out_px() const { return Ho * Wo; }
  int64_t in_px() const { return H * W; }
};

// im2col and col2im move rows of Wo elements, 24 and 8 in network3's nets: a
// memcpy call or a loop of unknown length per 32- or 96-byte row costs more than
// the move. f(n) gets those widths as compile-time constants, so the compiler
// turns each row into a few vector moves; other widths come as a plain int64_t.
template <class F>
void with_row_width(int64_t n, F&& f) {
  switch (n) {
    case 8: return f(std::integral_constant<int64_t, 8>{});
    case 24: return f(std::integral_constant<int64_t, 24>{});
    default: return f(n);
  }
}

// col[(c,a,b), (i,j)] = x[c, i+a', j+b'] with a' = kh-1-a, b' = kw-1-b when
// flipping: reading the image flipped lets the filters be used as stored.
template <class T>
void im2col(const T* x, const Geom& g, bool flip, T* col) {
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t a = 0; a < g.kh; ++a)
      for (int64_t b = 0; b < g.kw; ++b) {
        const int64_t sa = flip ? g.kh - 1 - a : a, sb = flip ? g.kw - 1 - b : b;
        const T* src = x + c * g.in_px() + sa * g.W + sb;
        T* dst = col + ((c * g.kh + a) * g.kw + b) * g.out_px();
        with_row_width(g.Wo, [&](auto n) {
          for (int64_t i = 0; i < g.Ho; ++i) std::memcpy(dst + i * n, src + i * g.W, size_t(n) * sizeof(T));
        });
      }
}

// The adjoint of im2col: x[c, i+a', j+b'] += col[(c,a,b), (i,j)]. x must be zeroed.
template <class T>
void col2im(const T* col, const Geom& g, bool flip, T* x) {
  for (int64_t c = 0; c < g.C; ++c)
    for (int64_t a = 0; a < g.kh; ++a)
      for (int64_t b = 0; b < g.kw; ++b) {
        const int64_t sa = flip ? g.kh - 1 - a : a, sb = flip ? g.kw - 1 - b : b;
        T* dst = x + c * g.in_px() + sa * g.W + sb;
        const T* src = col + ((c * g.kh + a) * g.kw + b) * g.out_px();
        with_row_width(g.Wo, [&](auto n) {
          T* __restrict d = dst;  // col and x never overlap
          const T* __restrict s = src;
          for (int64_t i = 0; i < g.Ho; ++i)
            for (int64_t j = 0; j < n; ++j) d[i * g.W + j] += s[i * n + j];
        });
      }
}

template <class T>
void gemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, const T* A, int64_t lda, const T* B, int64_t ldb,
          T beta, T* C) {
  blas_gemm(ta, tb, M, N, K, T(1), A, lda, B, ldb, beta, C, N);
}

// Images are independent: with several threads each thread takes a block of
// them, helping the other with its last images when it is done first
// (ChunkQueue); an image is computed the same way by either
// (6.2's forward: 10 images of 24x24x20, ~7 us each).
// y[n] (K, HoWo) = f (K, CKK) @ col(x[n]) (CKK, HoWo), then after(n, y[n]) on
// the same thread while y[n] is in its cache (conv2d_pool pools it there).
struct NothingAfter {
  template <class T> void operator()(int64_t, const T*) const {}
};

template <class T, class After = NothingAfter>
void conv_forward(const T* x, const T* f, T* y, int64_t N, int64_t K, const Geom& g, bool flip,
                  const After& after = {}) {
  parallel_chunks(threads_for(N, 1), N, [&](int64_t n) {
    T* col = scratch<T>(size_t(g.ckk() * g.out_px()));  // this thread's
    T* yn = y + n * K * g.out_px();
    im2col(x + n * g.C * g.in_px(), g, flip, col);
    gemm(false, false, K, g.out_px(), g.ckk(), f, g.ckk(), col, g.out_px(), T(0), yn);
    after(n, yn);
  });
}

// The two gradient kernels read image n's output gradient gy[n] (K, HoWo) as
// gy_of(n): a slice of a tensor (OutputGradient), or max_pool_grad of image n
// computed into this thread's scratch (PooledOutputGradient), so the fused ops
// never write the whole unpooled gradient out and read it back.
template <class T>
struct OutputGradient {
  const T* gy;
  int64_t image;  // K * HoWo
  const T* operator()(int64_t n) const { return gy + n * image; }
};

template <class T>
struct PooledOutputGradient {
  const T* c;   // the pool's input (N, K, Ho, Wo), the conv's output
  const T* gz;  // the gradient of the pool's output (N, K, Ho', Wo')
  int64_t K, Ho, Wo;
  PoolWindow w;
  const T* operator()(int64_t n) const {
    T* gy = scratch<T, 2>(size_t(K * Ho * Wo));
    max_pool_grad_planes(c + n * K * Ho * Wo, gz + n * K * w.pooled_plane(Ho, Wo), gy, K, Ho, Wo, w);
    return gy;
  }
};

// gx[n] = col2im(f^T (CKK, K) @ gy[n] (K, HoWo)), images shared out as in conv_forward.
template <class T, class GyOf>
void conv_grad_input(const GyOf& gy_of, const T* f, T* gx, int64_t N, int64_t K, const Geom& g, bool flip) {
  parallel_chunks(threads_for(N, 1), N, [&](int64_t n) {
    const T* gyn = gy_of(n);
    T* col = scratch<T>(size_t(g.ckk() * g.out_px()));  // this thread's
    T* gxn = gx + n * g.C * g.in_px();
    std::memset(gxn, 0, size_t(g.C * g.in_px()) * sizeof(T));
    gemm(true, false, g.ckk(), g.out_px(), K, f, g.ckk(), gyn, g.out_px(), T(0), col);
    col2im(col, g, flip, gxn);
  });
}

// gf (K, CKK) = sum_n gy[n] (K, HoWo) @ col(x[n])^T (HoWo, CKK). With several
// threads the images are cut into fixed chunks shared out by a ChunkQueue; each
// chunk sums its images into its own partial (chunk 0 into gf), and after a
// barrier every thread adds the partials to its block of gf in chunk order:
// deterministic for a fixed thread count, whichever thread ran which chunk.
// Image chunks per thread of conv_grad_filters: more let a faster core take over
// more of a slower one's work, each costs one partial gradient and its sum.
constexpr int64_t kFilterChunksPerThread = 4;

template <class T, class GyOf>
void conv_grad_filters(const T* x, const GyOf& gy_of, T* gf, int64_t N, int64_t K, const Geom& g, bool flip) {
  const int64_t kc = K * g.ckk();
  if (N == 0) {
    std::memset(gf, 0, size_t(kc) * sizeof(T));
    return;
  }
  const int nt = threads_for(N, 1);
  const int64_t n_chunks = nt > 1 ? std::min<int64_t>(N, kFilterChunksPerThread * nt) : 1;
  T* partials = n_chunks > 1 ? scratch<T, 1>(size_t((n_chunks - 1) * kc)) : nullptr;
  ChunkQueue chunks(nt, n_chunks);
  parallel_blocks(nt, [&](int t, int team) {
    T* col = scratch<T>(size_t(g.ckk() * g.out_px()));
    chunks.run(t, [&](int64_t c) {
      T* acc = c == 0 ? gf : partials + (c - 1) * kc;
      const int64_t n0 = block_begin(N, int(c), int(n_chunks)), n1 = block_begin(N, int(c) + 1, int(n_chunks));
      for (int64_t n = n0; n < n1; ++n) {
        const T* gyn = gy_of(n);
        im2col(x + n * g.C * g.in_px(), g, flip, col);
        gemm(false, true, K, g.ckk(), g.out_px(), gyn, g.out_px(), col, g.out_px(), n == n0 ? T(0) : T(1), acc);
      }
    });
    if (n_chunks == 1) return;
#ifdef _OPENMP
    if (team > 1) {
#pragma omp barrier
    }
#endif
    add_partials_in_order(gf, partials, n_chunks - 1, kc, t, team);
  });
}

// ---- shapes -------------------------------------------------------------------

std::string join_shapes(const char* a_name, const Shape& a, const char* b_name, const Shape& b) {
  return std::string(a_name) + " of shape " + a.str() + " and " + b_name + " of shape " + b.str();
}

void require_float_pair(const Type& a, const Type& b) {
  if (!is_float(a.dtype) || a.dtype != b.dtype)
    throw TypeError("needs two float tensors of one dtype, got " + a.str() + " and " + b.str());
}

void require_rank4(const Type& t, const char* what, const Type& other, const char* other_name) {
  if (t.rank() != 4)
    throw ShapeError(std::string(what) + " must be 4-D, got " +
                     join_shapes(what, t.shape, other_name, other.shape));
}

bool known_differ(int64_t a, int64_t b) { return a >= 0 && b >= 0 && a != b; }
int64_t valid_len(int64_t n, int64_t k) { return n >= 0 && k >= 0 ? n - k + 1 : -1; }
int64_t full_len(int64_t n, int64_t k) { return n >= 0 && k >= 0 ? n + k - 1 : -1; }

// conv2d: x (N,C,H,W), f (K,C,kh,kw) -> (N,K,H-kh+1,W-kw+1).
Shape conv_shape(const Shape& x, const Shape& f) {
  auto fail = [&](const std::string& why) {
    throw ShapeError(join_shapes("input", x, "filters", f) + ": " + why);
  };
  if (known_differ(x[1], f[1]))
    fail("the input has " + std::to_string(x[1]) + " channels but the filters expect " + std::to_string(f[1]));
  for (int d = 2; d < 4; ++d)
    if (x[d] >= 0 && f[d] >= 0 && f[d] > x[d]) fail("the filters are larger than the image (valid mode)");
  for (int d = 2; d < 4; ++d)
    if (f[d] == 0) fail("the filters have a zero spatial size");
  return Shape{x[0], f[0], valid_len(x[2], f[2]), valid_len(x[3], f[3])};
}

// conv2d_grad_input: g (N,K,Ho,Wo), f (K,C,kh,kw) -> (N,C,Ho+kh-1,Wo+kw-1).
Shape grad_input_shape(const Shape& g, const Shape& f) {
  if (known_differ(g[1], f[0]))
    throw ShapeError(join_shapes("output gradient", g, "filters", f) + ": " + std::to_string(g[1]) +
                     " output channels against " + std::to_string(f[0]) + " filters");
  return Shape{g[0], f[1], full_len(g[2], f[2]), full_len(g[3], f[3])};
}

// conv2d_grad_filters: x (N,C,H,W), g (N,K,Ho,Wo) -> (K,C,H-Ho+1,W-Wo+1).
Shape grad_filters_shape(const Shape& x, const Shape& g) {
  auto fail = [&](const std::string& why) {
    throw ShapeError(join_shapes("input", x, "output gradient", g) + ": " + why);
  };
  if (known_differ(x[0], g[0])) fail("the batch sizes differ");
  for (int d = 2; d < 4; ++d)
    if (x[d] >= 0 && g[d] >= 0 && g[d] > x[d]) fail("the output is larger than the input");
  return Shape{g[1], x[1], valid_len(x[2], g[2]), valid_len(x[3], g[3])};
}

// ---- ops ----------------------------------------------------------------------

class ConvOp : public ConvFamilyOp {
 public:
  ConvOp(ConvKind kind, bool flip) : ConvFamilyOp(kind, flip) {}
  std::string name() const override {
    switch (kind()) {
      case ConvKind::Forward: return "conv2d";
      case ConvKind::GradInput: return "conv2d_grad_input";
      case ConvKind::GradFilters: return "conv2d_grad_filters";
    }
    return "";
  }
  std::string params() const override { return flip() ? "flip=1" : "flip=0"; }

  Type infer(const InputInfos& in) const override {
    const char* n0 = kind() == ConvKind::GradInput ? "output gradient" : "input";
    const char* n1 = kind() == ConvKind::GradFilters ? "output gradient" : "filters";
    require_rank4(in[0], n0, in[1], n1);
    require_rank4(in[1], n1, in[0], n0);
    require_float_pair(in[0], in[1]);
    return Type{in[0].dtype, shape_of(in[0].shape, in[1].shape)};
  }

  void perform(const Tensor* const* in, int, Tensor& out) const override {
    if (out.size() == 0) return;
    if (in[0]->size() == 0 || in[1]->size() == 0) {  // empty sums: BLAS may leave out untouched
      std::memset(out.raw(), 0, out.nbytes());
      return;
    }
    const Shape &a = in[0]->shape(), &b = in[1]->shape(), &o = out.shape();
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T *pa = in[0]->data<T>(), *pb = in[1]->data<T>();
      T* po = out.data<T>();
      switch (kind()) {
        case ConvKind::Forward:  // a = x, b = f, o = y
          return conv_forward(pa, pb, po, a[0], b[0], Geom{a[1], a[2], a[3], b[2], b[3], o[2], o[3]}, flip());
        case ConvKind::GradInput:  // a = gy, b = f, o = gx
          return conv_grad_input(OutputGradient<T>{pa, a[1] * a[2] * a[3]}, pb, po, a[0], b[0],
                                 Geom{b[1], o[2], o[3], b[2], b[3], a[2], a[3]}, flip());
        case ConvKind::GradFilters:  // a = x, b = gy, o = gf
          return conv_grad_filters(pa, OutputGradient<T>{pb, b[1] * b[2] * b[3]}, po, a[0], b[1],
                                   Geom{a[1], a[2], a[3], o[2], o[3], b[2], b[3]}, flip());
      }
    });
  }

  // With <.,.> the sum of elementwise products: <y, conv(x,f)> = <grad_input(y,f), x>
  // = <grad_filters(x,y), f>; every pullback is one of these identities.
  std::vector<Var> pullback(const std::vector<Var>& in, const Var&, const Var& g) const override {
    switch (kind()) {
      case ConvKind::Forward:  // in = (x, f)
        return {conv2d_grad_input(g, in[1], flip()), conv2d_grad_filters(in[0], g, flip())};
      case ConvKind::GradInput:  // in = (gy, f), output shaped like x
        return {conv2d(g, in[1], flip()), conv2d_grad_filters(g, in[0], flip())};
      case ConvKind::GradFilters:  // in = (x, gy), output shaped like f
        return {conv2d_grad_input(in[1], g, flip()), conv2d(in[0], g, flip())};
    }
    return {};
  }

 private:
  Shape shape_of(const Shape& a, const Shape& b) const {
    switch (kind()) {
      case ConvKind::Forward: return conv_shape(a, b);
      case ConvKind::GradInput: return grad_input_shape(a, b);
      case ConvKind::GradFilters: return grad_filters_shape(a, b);
    }
    return Shape{};
  }
};

// The params of the ops below: the conv's flip and the pool's window.
std::string conv_pool_params(bool flip, const PoolWindow& w) {
  return std::string(flip ? "flip=1" : "flip=0") + ",ws=(" + std::to_string(w.wh) + "," + std::to_string(w.ww) +
         "),ignore_border=" + (w.ignore_border ? "1" : "0");
}

// A conv gradient whose output gradient is max pooling's gradient,
// gy = max_pool_grad(c, gz), made per image inside the op (a rewrite in
// ops/conv_rewrites.cpp builds these; network3's ConvPoolLayer is this pattern):
//   conv2d_grad_input_pooled(c, gz, f)    = conv2d_grad_input(gy, f)
//   conv2d_grad_filters_pooled(x, c, gz)  = conv2d_grad_filters(x, gy)
// Same values as the pair, without writing the unpooled gy (N,K,Ho,Wo) and
// reading it back: each image's gy is made in a thread's cache and used there.
class ConvPooledGradOp : public Op {
 public:
  ConvPooledGradOp(ConvKind kind, bool flip, PoolWindow w) : kind_(kind), flip_(flip), w_(w) {}
  std::string name() const override {
    return kind_ == ConvKind::GradInput ? "conv2d_grad_input_pooled" : "conv2d_grad_filters_pooled";
  }
  std::string params() const override { return conv_pool_params(flip_, w_); }

  Type infer(const InputInfos& in) const override {
    const InputInfo& c = in[pool_input()];
    const InputInfo& gz = in[pool_input() + 1];
    const InputInfo& other = in[kind_ == ConvKind::GradInput ? 2 : 0];  // f or x
    const char* other_name = kind_ == ConvKind::GradInput ? "filters" : "input";
    require_rank4(c, "pool input", other, other_name);
    require_rank4(other, other_name, c, "pool input");
    require_float_pair(c, other);
    require_float_pair(c, gz);
    const Shape want = w_.pooled(c.shape);
    bool fits = gz.rank() == 4;
    for (int d = 0; fits && d < 4; ++d) fits = !known_differ(gz.shape[d], want[d]);
    if (!fits)
      throw ShapeError("the pool's output gradient of shape " + gz.shape.str() + " does not fit its input of shape " +
                       c.shape.str() + " (expected " + want.str() + ")");
    return Type{c.dtype, kind_ == ConvKind::GradInput ? grad_input_shape(c.shape, other.shape)
                                                      : grad_filters_shape(other.shape, c.shape)};
  }

  void perform(const Tensor* const* in, int, Tensor& out) const override {
    if (out.size() == 0) return;
    const Tensor &c = *in[pool_input()], &gz = *in[pool_input() + 1];
    const Tensor& other = *in[kind_ == ConvKind::GradInput ? 2 : 0];
    if (c.size() == 0 || other.size() == 0) {  // empty sums, as ConvOp
      std::memset(out.raw(), 0, out.nbytes());
      return;
    }
    const Shape &cs = c.shape(), &os = other.shape(), &o = out.shape();
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const PooledOutputGradient<T> gy_of{c.data<T>(), gz.data<T>(), cs[1], cs[2], cs[3], w_};
      if (kind_ == ConvKind::GradInput)  // os = f (K,C,kh,kw), o = gx (N,C,H,W)
        return conv_grad_input(gy_of, other.data<T>(), out.data<T>(), cs[0], os[0],
                               Geom{os[1], o[2], o[3], os[2], os[3], cs[2], cs[3]}, flip_);
      // os = x (N,C,H,W), o = gf (K,C,kh,kw)
      conv_grad_filters(other.data<T>(), gy_of, out.data<T>(), os[0], cs[1],
                        Geom{os[1], os[2], os[3], o[2], o[3], cs[2], cs[3]}, flip_);
    });
  }

  // The pair's pullbacks composed (ConvOp's for gy, then max_pool_grad's: gz
  // gets max_pool_select of gy's gradient; c none, as the argmax is locally constant).
  std::vector<Var> pullback(const std::vector<Var>& in, const Var&, const Var& g) const override {
    const std::vector<int> ws{int(w_.wh), int(w_.ww)};
    if (kind_ == ConvKind::GradInput) {  // in = (c, gz, f)
      const Var gy = max_pool_grad(in[0], in[1], ws, w_.ignore_border);
      return {Var(), max_pool_select(in[0], conv2d(g, in[2], flip_), ws, w_.ignore_border),
              conv2d_grad_filters(g, gy, flip_)};
    }
    // in = (x, c, gz)
    const Var gy = max_pool_grad(in[1], in[2], ws, w_.ignore_border);
    return {conv2d_grad_input(gy, g, flip_), Var(),
            max_pool_select(in[1], conv2d(in[0], g, flip_), ws, w_.ignore_border)};
  }

 private:
  int pool_input() const { return kind_ == ConvKind::GradInput ? 0 : 1; }  // where c sits; gz follows
  ConvKind kind_;
  bool flip_;
  PoolWindow w_;
};

// conv2d_pool(x, f): conv2d(x, f) and pool_2d of it in one pass over the
// images, as one flat "bundle" (every op has one output): the conv maps
// (N,K,Ho,Wo) first, then the pooled maps (N,K,Ho',Wo'). conv2d_pool_piece
// views either out of it. A Fuse-phase rewrite (ops/conv_rewrites.cpp) builds
// these for pool_2d(conv2d(x, f)), after grad(): they have no gradient.
struct ConvPoolLayout {
  Shape conv, pooled;
  int64_t total() const { return conv.known() && pooled.known() ? conv.numel() + pooled.numel() : -1; }
};

ConvPoolLayout conv_pool_layout(const InputInfos& in, const PoolWindow& w) {
  require_rank4(in[0], "input", in[1], "filters");
  require_rank4(in[1], "filters", in[0], "input");
  require_float_pair(in[0], in[1]);
  const Shape conv = conv_shape(in[0].shape, in[1].shape);
  return ConvPoolLayout{conv, w.pooled(conv)};
}

class ConvPoolOp : public Op {
 public:
  ConvPoolOp(bool flip, PoolWindow w) : flip_(flip), w_(w) {}
  std::string name() const override { return "conv2d_pool"; }
  std::string params() const override { return conv_pool_params(flip_, w_); }
  Type infer(const InputInfos& in) const override {
    return Type{in[0].dtype, Shape{conv_pool_layout(in, w_).total()}};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    if (out.size() == 0) return;
    const Shape &x = in[0]->shape(), &f = in[1]->shape();
    const Shape y = conv_shape(x, f);
    if (in[0]->size() == 0 || in[1]->size() == 0) {  // empty sums: zero maps, and their pool
      std::memset(out.raw(), 0, out.nbytes());
      return;
    }
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* po = out.data<T>();
      T* pooled = po + y.numel();
      const int64_t pooled_image = f[0] * w_.pooled_plane(y[2], y[3]);
      conv_forward(in[0]->data<T>(), in[1]->data<T>(), po, x[0], f[0], Geom{x[1], x[2], x[3], f[2], f[3], y[2], y[3]},
                   flip_, [&](int64_t n, const T* yn) {  // each image pooled while its maps are in cache
                     max_pool_planes(yn, pooled + n * pooled_image, f[0], y[2], y[3], w_);
                   });
    });
  }
  std::vector<Var> pullback(const std::vector<Var>&, const Var&, const Var&) const override {
    throw Error("nabla: conv2d_pool has no gradient: the rewrite that makes it runs after grad(), on compiled graphs");
  }

 private:
  bool flip_;
  PoolWindow w_;
};

// conv2d_pool_piece(bundle, x, f): the conv maps (pooled = false) or the pooled
// maps of conv2d_pool(x, f), a view of the bundle; x and f give the shapes only.
class ConvPoolPieceOp : public Op {
 public:
  ConvPoolPieceOp(bool pooled, bool flip, PoolWindow w) : pooled_(pooled), flip_(flip), w_(w) {}
  std::string name() const override { return "conv2d_pool_piece"; }
  std::string params() const override {
    return std::string(pooled_ ? "piece=pooled," : "piece=conv,") + conv_pool_params(flip_, w_);
  }
  bool reads_input_values(int k) const override { return k == 0; }
  Type infer(const InputInfos& in) const override {
    const ConvPoolLayout l = conv_pool_layout(InputInfos(in.begin() + 1, 2), w_);
    if (in[0].dtype != in[1].dtype || in[0].rank() != 1 || known_differ(in[0].shape[0], l.total()))
      throw TypeError("conv2d_pool_piece: the bundle " + in[0].str() + " is not conv2d_pool's of " + in[1].str() +
                      " and " + in[2].str());
    return Type{in[0].dtype, pooled_ ? l.pooled : l.conv};
  }
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int, Tensor& out) const override {
    out = in[0]->view(out.shape(), offset(*in[0], out));
    return true;
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    out.copy_from(in[0]->view(out.shape(), offset(*in[0], out)));
  }
  std::vector<Var> pullback(const std::vector<Var>&, const Var&, const Var&) const override {
    throw Error("nabla: conv2d_pool_piece has no gradient: the rewrite that makes it runs after grad()");
  }

 private:
  // The pooled maps are the bundle's last elements.
  int64_t offset(const Tensor& bundle, const Tensor& out) const { return pooled_ ? bundle.size() - out.size() : 0; }
  bool pooled_, flip_;
  PoolWindow w_;
};

// The pool window in the params of the fused ops above.
PoolWindow window_of(const OpParams& p) {
  const std::vector<int64_t> ws = p.ints("ws");
  if (ws.size() != 2 || ws[0] < 1 || ws[1] < 1) p.fail("ws must be two positive sizes");
  return PoolWindow{ws[0], ws[1], p.flag("ignore_border")};
}

// Both operands as one float dtype (ints become floatX), as matmul does.
Var apply_conv(ConvKind kind, bool flip, const Var& a, const Var& b, Loc loc) {
  Var x = a, y = b;
  if (x.defined() && y.defined()) {
    DType t = promote(x.dtype(), y.dtype());
    if (!is_float(t)) t = floatX;
    if (x.dtype() != t) x = cast(x, t, loc);
    if (y.dtype() != t) y = cast(y, t, loc);
  }
  return apply(std::make_shared<ConvOp>(kind, flip), {x, y}, loc);
}

}  // namespace

Var conv2d(const Var& input, const Var& filters, bool flip, Loc loc) {
  return apply_conv(ConvKind::Forward, flip, input, filters, loc);
}

Var conv2d_grad_input(const Var& gout, const Var& filters, bool flip, Loc loc) {
  return apply_conv(ConvKind::GradInput, flip, gout, filters, loc);
}

Var conv2d_grad_filters(const Var& input, const Var& gout, bool flip, Loc loc) {
  return apply_conv(ConvKind::GradFilters, flip, input, gout, loc);
}

Var conv2d_grad_input_pooled(const Var& c, const Var& gz, const Var& filters, const std::vector<int>& ws,
                             bool ignore_border, bool flip, Loc loc) {
  const PoolWindow w = pool_window(ws, ignore_border, "conv2d_grad_input_pooled", loc);
  return apply(std::make_shared<ConvPooledGradOp>(ConvKind::GradInput, flip, w), {c, gz, filters}, loc);
}

Var conv2d_grad_filters_pooled(const Var& input, const Var& c, const Var& gz, const std::vector<int>& ws,
                               bool ignore_border, bool flip, Loc loc) {
  const PoolWindow w = pool_window(ws, ignore_border, "conv2d_grad_filters_pooled", loc);
  return apply(std::make_shared<ConvPooledGradOp>(ConvKind::GradFilters, flip, w), {input, c, gz}, loc);
}

Var conv2d_pool_bundle(const Var& input, const Var& filters, const std::vector<int>& ws, bool ignore_border, bool flip,
                       Loc loc) {
  const PoolWindow w = pool_window(ws, ignore_border, "conv2d_pool", loc);
  return apply(std::make_shared<ConvPoolOp>(flip, w), {input, filters}, loc);
}

Var conv2d_pool_piece(const Var& bundle, const Var& input, const Var& filters, bool pooled, const std::vector<int>& ws,
                      bool ignore_border, bool flip, Loc loc) {
  const PoolWindow w = pool_window(ws, ignore_border, "conv2d_pool_piece", loc);
  return apply(std::make_shared<ConvPoolPieceOp>(pooled, flip, w), {bundle, input, filters}, loc);
}

void register_conv_rewrites();  // ops/conv_rewrites.cpp: max_pool_grad into the conv gradients

void register_conv_ops() {
  auto make = [](const OpParams& p) -> std::shared_ptr<const Op> {
    const ConvKind kind = p.op() == "conv2d" ? ConvKind::Forward
                          : p.op() == "conv2d_grad_input" ? ConvKind::GradInput : ConvKind::GradFilters;
    return std::make_shared<ConvOp>(kind, p.flag("flip"));
  };
  register_op({"conv2d", "conv", "valid 2-D convolution (N,C,H,W) * (K,C,kh,kw), kernel flipped unless flip=0", make});
  register_op({"conv2d_grad_input", "conv", "full convolution of the output gradient with the filters", make});
  register_op({"conv2d_grad_filters", "conv", "correlation of the input with the output gradient", make});
  auto make_pooled = [](const OpParams& p) -> std::shared_ptr<const Op> {
    const ConvKind kind = p.op() == "conv2d_grad_input_pooled" ? ConvKind::GradInput : ConvKind::GradFilters;
    return std::make_shared<ConvPooledGradOp>(kind, p.flag("flip"), window_of(p));
  };
  register_op({"conv2d_grad_input_pooled", "conv",
               "conv2d_grad_input of max_pool_grad(c, gz), pooled gradient made per image", make_pooled});
  register_op({"conv2d_grad_filters_pooled", "conv",
               "conv2d_grad_filters of max_pool_grad(c, gz), pooled gradient made per image", make_pooled});
  auto make_bundle = [](const OpParams& p) -> std::shared_ptr<const Op> {
    const PoolWindow w = window_of(p);
    if (p.op() == "conv2d_pool") return std::make_shared<ConvPoolOp>(p.flag("flip"), w);
    const std::string piece = p.str("piece");
    if (piece != "conv" && piece != "pooled") p.fail("piece must be conv or pooled");
    return std::make_shared<ConvPoolPieceOp>(piece == "pooled", p.flag("flip"), w);
  };
  register_op({"conv2d_pool", "conv", "conv2d and pool_2d of it in one pass, as one bundle (made by a rewrite)",
               make_bundle});
  register_op({"conv2d_pool_piece", "conv", "the conv or pooled maps of a conv2d_pool bundle, a view", make_bundle});
  register_conv_rewrites();
}

}  // namespace nabla
