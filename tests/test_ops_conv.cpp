// conv2d and its gradient ops, max pooling and its gradient ops, dropout masks
// from random_binomial, and the fused softmax cross-entropy with its rewrite.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "alloc_counter.hpp"
#include "compile_helpers.hpp"
#include "op_table.hpp"
#include "ops/nnet_ops.hpp"

using namespace nabla;

namespace {

using In = std::vector<Tensor>;
using VIn = std::vector<Var>;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "<no error>";
}

// ---- references: direct loops over the definitions ------------------------------

// Flat index of (a, b, c, d) in a 4-D shape.
int64_t at4(const Shape& s, int64_t a, int64_t b, int64_t c, int64_t d) {
  return ((a * s[1] + b) * s[2] + c) * s[3] + d;
}

// The kernel tap the correlation uses at offset (a, b).
double tap(const Tensor& f, int64_t k, int64_t c, int64_t a, int64_t b, bool flip) {
  const Shape& s = f.shape();
  return flip ? f.at(at4(s, k, c, s[2] - 1 - a, s[3] - 1 - b)) : f.at(at4(s, k, c, a, b));
}

// y[n,k,i,j] = sum x[n,c,i+a,j+b] * tap(k,c,a,b).
Tensor ref_conv(const Tensor& x, const Tensor& f, bool flip) {
  const Shape &xs = x.shape(), &fs = f.shape();
  const Shape ys{xs[0], fs[0], xs[2] - fs[2] + 1, xs[3] - fs[3] + 1};
  Tensor y = Tensor::zeros(DType::Float64, ys);
  for (int64_t n = 0; n < ys[0]; ++n)
    for (int64_t k = 0; k < ys[1]; ++k)
      for (int64_t i = 0; i < ys[2]; ++i)
        for (int64_t j = 0; j < ys[3]; ++j) {
          double acc = 0;
          for (int64_t c = 0; c < xs[1]; ++c)
            for (int64_t a = 0; a < fs[2]; ++a)
              for (int64_t b = 0; b < fs[3]; ++b) acc += x.at(at4(xs, n, c, i + a, j + b)) * tap(f, k, c, a, b, flip);
          y.set(at4(ys, n, k, i, j), acc);
        }
  return y;
}

// gx[n,c,i+a,j+b] += g[n,k,i,j] * tap(k,c,a,b): the scatter form of the full convolution.
Tensor ref_grad_input(const Tensor& g, const Tensor& f, bool flip) {
  const Shape &gs = g.shape(), &fs = f.shape();
  const Shape xs{gs[0], fs[1], gs[2] + fs[2] - 1, gs[3] + fs[3] - 1};
  Tensor gx = Tensor::zeros(DType::Float64, xs);
  for (int64_t n = 0; n < gs[0]; ++n)
    for (int64_t k = 0; k < gs[1]; ++k)
      for (int64_t i = 0; i < gs[2]; ++i)
        for (int64_t j = 0; j < gs[3]; ++j)
          for (int64_t c = 0; c < fs[1]; ++c)
            for (int64_t a = 0; a < fs[2]; ++a)
              for (int64_t b = 0; b < fs[3]; ++b) {
                const int64_t o = at4(xs, n, c, i + a, j + b);
                gx.set(o, gx.at(o) + g.at(at4(gs, n, k, i, j)) * tap(f, k, c, a, b, flip));
              }
  return gx;
}

// d/df of sum(g * conv(x, f)): correlation taps, flipped back when flip is set.
Tensor ref_grad_filters(const Tensor& x, const Tensor& g, bool flip) {
  const Shape &xs = x.shape(), &gs = g.shape();
  const Shape fs{gs[1], xs[1], xs[2] - gs[2] + 1, xs[3] - gs[3] + 1};
  Tensor gf = Tensor::zeros(DType::Float64, fs);
  for (int64_t k = 0; k < fs[0]; ++k)
    for (int64_t c = 0; c < fs[1]; ++c)
      for (int64_t a = 0; a < fs[2]; ++a)
        for (int64_t b = 0; b < fs[3]; ++b) {
          double acc = 0;
          for (int64_t n = 0; n < xs[0]; ++n)
            for (int64_t i = 0; i < gs[2]; ++i)
              for (int64_t j = 0; j < gs[3]; ++j) acc += g.at(at4(gs, n, k, i, j)) * x.at(at4(xs, n, c, i + a, j + b));
          const int64_t o = flip ? at4(fs, k, c, fs[2] - 1 - a, fs[3] - 1 - b) : at4(fs, k, c, a, b);
          gf.set(o, acc);
        }
  return gf;
}

// Max pooling by windows; `act(o, best)` gets each window's output index and
// the flat index of its first maximum in x.
template <class F>
Shape ref_windows(const Tensor& x, int wh, int ww, bool ib, F&& act) {
  const int r = x.rank();
  const int64_t H = x.shape()[r - 2], W = x.shape()[r - 1];
  const int64_t Ho = ib ? H / wh : (H + wh - 1) / wh, Wo = ib ? W / ww : (W + ww - 1) / ww;
  Shape ps = x.shape();
  ps[r - 2] = Ho;
  ps[r - 1] = Wo;
  int64_t o = 0;
  for (int64_t p = 0; p < x.size() / (H * W); ++p)
    for (int64_t i = 0; i < Ho; ++i)
      for (int64_t j = 0; j < Wo; ++j, ++o) {
        int64_t best = -1;
        for (int64_t a = i * wh; a < std::min<int64_t>((i + 1) * wh, H); ++a)
          for (int64_t b = j * ww; b < std::min<int64_t>((j + 1) * ww, W); ++b) {
            const int64_t k = p * H * W + a * W + b;
            if (best < 0 || x.at(k) > x.at(best)) best = k;
          }
        act(o, best);
      }
  return ps;
}

Tensor pooled_like(const Tensor& x, int wh, int ww, bool ib) {
  return Tensor::zeros(DType::Float64, ref_windows(x, wh, ww, ib, [](int64_t, int64_t) {}));
}

Tensor ref_pool(const Tensor& x, int wh, int ww, bool ib) {
  Tensor y = pooled_like(x, wh, ww, ib);
  ref_windows(x, wh, ww, ib, [&](int64_t o, int64_t a) { y.set(o, x.at(a)); });
  return y;
}

Tensor ref_pool_grad(const Tensor& x, const Tensor& g, int wh, int ww, bool ib) {
  Tensor gx = Tensor::zeros(DType::Float64, x.shape());
  ref_windows(x, wh, ww, ib, [&](int64_t o, int64_t a) { gx.set(a, gx.at(a) + g.at(o)); });
  return gx;
}

Tensor ref_pool_select(const Tensor& x, const Tensor& h, int wh, int ww, bool ib) {
  Tensor y = pooled_like(x, wh, ww, ib);
  ref_windows(x, wh, ww, ib, [&](int64_t o, int64_t a) { y.set(o, h.at(a)); });
  return y;
}

// log(sum(exp(z_i))) - z_i[y_i] per row, and its gradient g_i (softmax(z_i) - onehot(y_i)).
Tensor ref_xent(const Tensor& z, const Tensor& y, const Tensor* g = nullptr) {
  const int64_t n = z.shape()[0], k = z.shape()[1];
  Tensor out = Tensor::zeros(DType::Float64, g ? z.shape() : Shape{n});
  for (int64_t i = 0; i < n; ++i) {
    double m = z.at(i * k), s = 0;
    for (int64_t j = 1; j < k; ++j) m = std::max(m, z.at(i * k + j));
    for (int64_t j = 0; j < k; ++j) s += std::exp(z.at(i * k + j) - m);
    const int64_t c = y.iat(i);
    if (!g) {
      out.set(i, m + std::log(s) - z.at(i * k + c));
      continue;
    }
    for (int64_t j = 0; j < k; ++j)
      out.set(i * k + j, g->at(i) * (std::exp(z.at(i * k + j) - m) / s - (j == c ? 1.0 : 0.0)));
  }
  return out;
}

// ---- op-table rows -----------------------------------------------------------------
// conv is bilinear, so second order is checked for all three conv ops. The pool
// ops are piecewise linear (second derivatives zero between ties), checked too.

bool add_conv_row(const Shape& xs, const Shape& fs, bool flip, unsigned seed) {
  return add_op_row({"conv2d", {sample(xs, -1, 1, seed), sample(fs, -1, 1, seed + 1)},
                     [flip](const VIn& v) { return conv2d(v[0], v[1], flip); }, {0, 1}, 2,
                     [flip](const In& t) { return ref_conv(t[0], t[1], flip); }});
}
const bool row_conv_flip = add_conv_row({2, 2, 5, 4}, {3, 2, 2, 3}, true, 201);
const bool row_conv_corr = add_conv_row({2, 2, 5, 4}, {3, 2, 2, 3}, false, 203);
const bool row_conv_1ch = add_conv_row({1, 1, 4, 4}, {2, 1, 3, 3}, true, 205);

bool add_conv_grad_rows(bool flip, unsigned seed) {
  add_op_row({"conv2d_grad_input", {sample({2, 3, 4, 2}, -1, 1, seed), sample({3, 2, 2, 3}, -1, 1, seed + 1)},
              [flip](const VIn& v) { return conv2d_grad_input(v[0], v[1], flip); }, {0, 1}, 2,
              [flip](const In& t) { return ref_grad_input(t[0], t[1], flip); }});
  return add_op_row({"conv2d_grad_filters", {sample({2, 2, 5, 4}, -1, 1, seed + 2), sample({2, 3, 4, 2}, -1, 1, seed + 3)},
                     [flip](const VIn& v) { return conv2d_grad_filters(v[0], v[1], flip); }, {0, 1}, 2,
                     [flip](const In& t) { return ref_grad_filters(t[0], t[1], flip); }});
}
const bool row_conv_grads_flip = add_conv_grad_rows(true, 211);
const bool row_conv_grads_corr = add_conv_grad_rows(false, 215);

bool add_pool_rows(const Shape& xs, int wh, int ww, bool ib, unsigned seed) {
  const std::vector<int> ws{wh, ww};
  Tensor x = sample(xs, -1, 1, seed);
  const Shape ps = pooled_like(x, wh, ww, ib).shape();
  add_op_row({"pool_2d", {x}, [=](const VIn& v) { return pool_2d(v[0], ws, ib); }, {0}, 2,
              [=](const In& t) { return ref_pool(t[0], wh, ww, ib); }});
  add_op_row({"max_pool_grad", {x, sample(ps, -1, 1, seed + 1)},
              [=](const VIn& v) { return max_pool_grad(v[0], v[1], ws, ib); }, {0, 1}, 2,
              [=](const In& t) { return ref_pool_grad(t[0], t[1], wh, ww, ib); }});
  return add_op_row({"max_pool_select", {x, sample(xs, -1, 1, seed + 2)},
                     [=](const VIn& v) { return max_pool_select(v[0], v[1], ws, ib); }, {0, 1}, 2,
                     [=](const In& t) { return ref_pool_select(t[0], t[1], wh, ww, ib); }});
}
const bool row_pool_22 = add_pool_rows({2, 3, 4, 6}, 2, 2, true, 221);
const bool row_pool_partial = add_pool_rows({2, 5, 5}, 2, 2, false, 225);
const bool row_pool_32 = add_pool_rows({7, 5}, 3, 2, false, 229);
const bool row_pool_32_ib = add_pool_rows({1, 2, 7, 5}, 3, 2, true, 233);

const bool row_xent = add_op_row({"softmax_xent", {sample({4, 5}, -2, 2, 241), ints({0, 4, 2, 2}, {4})},
                                  [](const VIn& v) { return softmax_xent(v[0], v[1]); }, {0}, 2,
                                  [](const In& t) { return ref_xent(t[0], t[1]); }});
const bool row_xent_grad = add_op_row(
    {"softmax_xent_grad", {sample({4, 5}, -2, 2, 243), ints({1, 0, 3, 4}, {4}, DType::Int32), sample({4}, -1, 1, 244)},
     [](const VIn& v) { return softmax_xent_grad(v[0], v[1], v[2]); }, {0, 2}, 2,
     [](const In& t) { return ref_xent(t[0], t[1], &t[2]); }});
// class_labels passes valid labels through unchanged (its refusals: test_label_range.cpp).
const bool row_class_labels = add_op_row({"class_labels", {ints({0, 4, 2, 2}, {4}), sample({4, 5}, -1, 1, 245)},
                                          [](const VIn& v) { return class_labels(v[0], v[1], "a test"); }, {}, 0,
                                          [](const In& t) { return t[0]; }});

void check_close(const Tensor& got, const Tensor& want, double tol) {
  REQUIRE(got.shape() == want.shape());
  for (int64_t i = 0; i < got.size(); ++i) {
    INFO("element " << i);
    CHECK(got.at(i) == doctest::Approx(want.at(i)).epsilon(tol).scale(1.0));
  }
}

}  // namespace

// ---- conv -------------------------------------------------------------------------------

TEST_CASE("conv2d: values match a direct loop (both flip modes, channels, batch, dtypes)") {
  struct Case {
    Shape x, f;
  };
  for (const Case& c : {Case{{3, 2, 7, 6}, {4, 2, 3, 2}}, Case{{2, 1, 28, 28}, {5, 1, 5, 5}},
                        Case{{1, 3, 4, 4}, {2, 3, 4, 4}}, Case{{2, 2, 5, 5}, {1, 2, 1, 1}}}) {
    for (bool flip : {true, false})
      for (DType t : {DType::Float32, DType::Float64}) {
        INFO("x " << c.x.str() << " f " << c.f.str() << " flip " << flip << " " << dtype_name(t));
        Tensor xv = sample(c.x, -1, 1, 7), fv = sample(c.f, -1, 1, 8);
        Var x = input(t, {-1, c.x[1], -1, -1}, "x"), f = input(t, c.f, "f");
        Var y = conv2d(x, f, flip);
        Tensor want = ref_conv(xv, fv, flip);
        Tensor got = eval(y, {{x, xv.astype(t)}, {f, fv.astype(t)}});
        check_close(got, want, t == DType::Float32 ? 1e-5 : 1e-12);
        Function fn = function({x, f}, {y});
        check_close(fn({xv.astype(t), fv.astype(t)})[0], want, t == DType::Float32 ? 1e-5 : 1e-12);
      }
  }
}

TEST_CASE("conv2d: flip=true is cross-correlation with the kernel rotated by 180 degrees") {
  Tensor xv = sample({2, 2, 6, 5}, -1, 1, 9), fv = sample({3, 2, 3, 2}, -1, 1, 10);
  Tensor rot(DType::Float64, fv.shape());
  const Shape& s = fv.shape();
  for (int64_t k = 0; k < s[0]; ++k)
    for (int64_t c = 0; c < s[1]; ++c)
      for (int64_t a = 0; a < s[2]; ++a)
        for (int64_t b = 0; b < s[3]; ++b) rot.set(at4(s, k, c, a, b), fv.at(at4(s, k, c, s[2] - 1 - a, s[3] - 1 - b)));
  Var x = constant(xv), f = constant(fv), r = constant(rot);
  check_close(eval(conv2d(x, f, true)), eval(conv2d(x, r, false)), 1e-12);
}

TEST_CASE("conv2d: static shapes, dtype promotion, several threads") {
  Var x = input(DType::Float32, {-1, 1, 28, 28}, "x");
  Var f = input(DType::Float32, {20, 1, 5, 5}, "f");
  Var y = conv2d(x, f);
  CHECK(y.shape() == Shape{-1, 20, 24, 24});
  CHECK(conv2d(tensor4("a"), f).shape() == Shape{-1, 20, -1, -1});
  CHECK(conv2d_grad_input(y, f).shape() == Shape{-1, 1, 28, 28});
  CHECK(conv2d_grad_filters(x, y).shape() == Shape{20, 1, 5, 5});
  CHECK(conv2d(input(DType::Int32, {1, 1, 3, 3}), input(DType::Int32, {1, 1, 2, 2})).dtype() == floatX);
  CHECK(conv2d(x, input(DType::Float64, {2, 1, 3, 3})).dtype() == DType::Float64);

  // OpenMP over images gives the same numbers as one thread, up to the order of
  // the filter gradient's sum over images (per-thread partials, then added).
  Tensor xv = sample({6, 1, 28, 28}, -1, 1, 11).astype(DType::Float32);
  Tensor fv = sample({20, 1, 5, 5}, -1, 1, 12).astype(DType::Float32);
  Tensor gv = sample({6, 20, 24, 24}, -1, 1, 13).astype(DType::Float32);
  Var g = input(DType::Float32, {-1, 20, 24, 24}, "g");
  Function fn = function({x, f, g}, {y, conv2d_grad_input(g, f), conv2d_grad_filters(x, g)});
  std::vector<Tensor> one;
  for (const Tensor& t : fn({xv, fv, gv})) one.push_back(t.copy());
  const int before = num_threads();
  set_num_threads(2);
  const auto& two = fn({xv, fv, gv});
  for (size_t k = 0; k < one.size(); ++k) check_close(two[k], one[k], k == 2 ? 1e-5 : 1e-6);
  set_num_threads(before);
}

TEST_CASE("conv2d: shape errors name both shapes") {
  Var x = input(DType::Float32, {10, 3, 28, 28}, "x");
  Var f = input(DType::Float32, {20, 1, 5, 5}, "f");
  std::string e = error_of([&] { conv2d(x, f); });
  CHECK(contains(e, "(10,3,28,28)"));
  CHECK(contains(e, "(20,1,5,5)"));
  CHECK(contains(e, "channels"));
  CHECK(contains(e, "test_ops_conv.cpp"));
  e = error_of([&] { conv2d(input(DType::Float32, {1, 1, 4, 4}), input(DType::Float32, {1, 1, 5, 3})); });
  CHECK(contains(e, "(1,1,4,4)"));
  CHECK(contains(e, "(1,1,5,3)"));
  CHECK(contains(e, "larger than the image"));
  e = error_of([&] { conv2d(matrix("m"), f); });
  CHECK(contains(e, "4-D"));
  CHECK_THROWS_AS(conv2d(matrix("m"), f), ShapeError);
  // Unknown channels at build time: checked when it runs, with the values' shapes.
  Var a = tensor4("a"), b = tensor4("b");
  e = error_of([&] {
    eval(conv2d(a, b), {{a, Tensor::zeros(DType::Float32, {2, 3, 8, 8})}, {b, Tensor::zeros(DType::Float32, {4, 2, 3, 3})}});
  });
  CHECK(contains(e, "(2,3,8,8)"));
  CHECK(contains(e, "(4,2,3,3)"));
  CHECK(contains(e, "conv2d"));
}

TEST_CASE("conv2d + pool: gradients through a layer, nothing allocated after the first call") {
  Var x = input(DType::Float32, {10, 1, 12, 12}, "x");
  Var W = shared(sample({4, 1, 5, 5}, -0.5, 0.5, 14).astype(DType::Float32), "W");
  Var cost = sum(pool_2d(tanh(conv2d(x, W)), {2, 2}));
  Var gW = grad(cost, {W})[0];
  Function fn = function({x}, {cost}, {{W, W - 0.01 * gW}});
  const std::vector<Tensor> args{sample({10, 1, 12, 12}, -1, 1, 15).astype(DType::Float32)};
  fn(args);
  const uint64_t heap = heap_allocations();
  fn(args);
  CHECK(heap_allocations() == heap);
  CHECK(fn.stats().last_call_allocations == 0);
}

// ---- pool ---------------------------------------------------------------------------------

TEST_CASE("pool_2d: values, ignore_border, general window sizes") {
  // 1..20 in a 4x5 grid: maxima are each window's bottom-right element.
  Tensor xv = Tensor::from<double>({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, {1, 1, 4, 5});
  Var x = input(DType::Float64, {1, 1, 4, 5}, "x");
  Var kept = pool_2d(x, {2, 2}, true), partial = pool_2d(x, {2, 2}, false), tall = pool_2d(x, {3, 2}, false);
  CHECK(kept.shape() == Shape{1, 1, 2, 2});
  CHECK(partial.shape() == Shape{1, 1, 2, 3});
  CHECK(tall.shape() == Shape{1, 1, 2, 3});
  CHECK(eval(kept, {{x, xv}}).values<double>() == std::vector<double>{7, 9, 17, 19});
  CHECK(eval(partial, {{x, xv}}).values<double>() == std::vector<double>{7, 9, 10, 17, 19, 20});
  CHECK(eval(tall, {{x, xv}}).values<double>() == std::vector<double>{12, 14, 15, 17, 19, 20});
  CHECK(pool_2d(tensor4("t"), {2, 2}).shape() == Shape{-1, -1, -1, -1});
  // float32 and ints, against the reference.
  Tensor big = sample({3, 4, 9, 7}, -5, 5, 16);
  for (DType t : {DType::Float32, DType::Int64}) {
    Var v = input(t, {-1, -1, -1, -1});
    const Tensor in = big.astype(t);  // ints truncated: the reference sees the same values
    check_close(eval(pool_2d(v, {3, 3}, false), {{v, in}}), ref_pool(in.astype(DType::Float64), 3, 3, false), 1e-6);
  }
}

TEST_CASE("pool_2d: the gradient goes to the first maximum of each window") {
  Tensor xv = Tensor::from<double>({1, 3, 3, 0, 2, 2, 2, 2}, {2, 4});  // two 2x2 windows side by side
  Var x = input(DType::Float64, {2, 4}, "x");
  Var g = grad(sum(pool_2d(x, {2, 2}) * constant(Tensor::from<double>({10, 20}, {1, 2}))), {x})[0];
  // Window 0 = {1,3 / 2,2}: max 3 at (0,1). Window 1 = {3,0 / 2,2}: max 3 at (0,2).
  CHECK(eval(g, {{x, xv}}).values<double>() == std::vector<double>{0, 10, 20, 0, 0, 0, 0, 0});
  Tensor ties = Tensor::full(DType::Float64, {2, 4}, 1.0);
  CHECK(eval(g, {{x, ties}}).values<double>() == std::vector<double>{10, 0, 20, 0, 0, 0, 0, 0});
  // The general path (partial windows) follows the same rule.
  Var x3 = input(DType::Float64, {3, 3}, "x3");
  Var g3 = grad(sum(pool_2d(x3, {2, 2}, false) * constant(Tensor::from<double>({1, 2, 3, 4}, {2, 2}))), {x3})[0];
  CHECK(eval(g3, {{x3, Tensor::full(DType::Float64, {3, 3}, 1.0)}}).values<double>() ==
        std::vector<double>{1, 0, 2, 0, 0, 0, 3, 0, 4});
}

TEST_CASE("max_pool_grad: the float vector path routes like the rule, ties and all, at every row width") {
  // Values from {0, 1, 2} make ties in most windows; widths around the vector
  // sizes (4, 8, 16 floats) cover whole vectors, tails and rows with no vector.
  for (int64_t w : {2, 6, 8, 10, 16, 18, 24, 34}) {
    INFO("row width " << w);
    const Shape xs{3, 2, 6, w}, gs{3, 2, 3, w / 2};
    Tensor xv = sample(xs, 0, 3, unsigned(300 + w));
    for (int64_t i = 0; i < xv.size(); ++i) xv.set(i, std::floor(xv.at(i)));
    const Tensor gv = sample(gs, -1, 1, unsigned(400 + w));
    Var x = input(DType::Float32, xs, "x"), g = input(DType::Float32, gs, "g");
    Function fn = function({x, g}, {max_pool_grad(x, g, {2, 2}, true)});
    const Tensor got = fn({xv.astype(DType::Float32), gv.astype(DType::Float32)})[0];
    const Tensor want = ref_pool_grad(xv, gv.astype(DType::Float32).astype(DType::Float64), 2, 2, true);
    REQUIRE(got.shape() == want.shape());
    int64_t wrong = 0;
    for (int64_t i = 0; i < got.size(); ++i) wrong += got.at(i) != want.at(i);
    CHECK(wrong == 0);
  }
}

TEST_CASE("pool_2d: the 2x2 path (rows in chunks, split over threads) equals the window rule") {
  // Odd heights with ignore_border drop the last row; odd widths and partial
  // windows take the general walk. 2x9x40 planes make more window rows than
  // one chunk of scratch, and odd row counts split unevenly over two threads.
  const int before = num_threads();
  for (const Shape& xs : {Shape{2, 9, 40, 24}, Shape{3, 1, 7, 6}, Shape{1, 2, 6, 34}, Shape{4, 5}, Shape{2, 3, 4, 7}})
    for (bool ib : {true, false})
      for (DType t : {DType::Float32, DType::Float64, DType::Int32})
        for (int threads : {1, 2}) {
          INFO("x " << xs.str() << " ignore_border " << ib << " " << std::string(dtype_name(t)) << " threads " << threads);
          set_num_threads(threads);
          Tensor xv = sample(xs, -4, 4, unsigned(xs.numel() + ib)).astype(t);
          Var x = input(t, xs, "x");
          const Tensor got = eval(pool_2d(x, {2, 2}, ib), {{x, xv}});
          const Tensor want = ref_pool(xv.astype(DType::Float64), 2, 2, ib);  // a max is exact: no tolerance
          REQUIRE(got.shape() == want.shape());
          int64_t wrong = 0;
          for (int64_t i = 0; i < got.size(); ++i) wrong += got.at(i) != want.at(i);
          CHECK(wrong == 0);
        }
  set_num_threads(before);
}

TEST_CASE("pool_2d: bad window sizes and mismatched gradients are errors") {
  CHECK_THROWS_AS(pool_2d(matrix("m"), {0, 2}), ValueError);
  CHECK_THROWS_AS(pool_2d(matrix("m"), {2}), ValueError);
  CHECK_THROWS_AS(pool_2d(vector("v"), {2, 2}), ShapeError);
  std::string e = error_of([&] {
    max_pool_grad(input(DType::Float32, {4, 6}), input(DType::Float32, {2, 2}), {2, 2});
  });
  CHECK(contains(e, "(2,2)"));
  CHECK(contains(e, "(4,6)"));
  CHECK(contains(e, "(2,3)"));
}

// ---- dropout from random_binomial -------------------------------------------------------------

TEST_CASE("dropout: x * binomial(1, 1-p, x's symbolic shape) masks per element") {
  Var x = matrix("x");
  RandomStreams rng(42);
  const double p_drop = 0.25;
  Var mask = rng.binomial({shape_i(x, 0), shape_i(x, 1)}, 1, 1 - p_drop, x.dtype());
  Var y = x * mask;
  Function f = function({x}, {y});
  Tensor xv = Tensor::full(DType::Float32, {100, 50}, 2.0);
  Tensor a = f({xv})[0].copy(), b = f({xv})[0].copy();
  int64_t kept = 0, same = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    CHECK((a.at(i) == 0.0 || a.at(i) == 2.0));
    kept += a.at(i) != 0.0;
    same += a.at(i) == b.at(i);
  }
  CHECK(double(kept) / double(a.size()) == doctest::Approx(1 - p_drop).epsilon(0.05));
  CHECK(same < a.size());  // a new mask on every call
  rng.seed(42);
  Tensor again = f({xv})[0].copy();
  CHECK(again.values<double>() == a.values<double>());  // reproducible under the same seed
}

// ---- fused softmax cross-entropy ------------------------------------------------------------------

namespace {

// The book's cost, written naively: -mean(log(softmax(z))[arange(len(y)), y]).
Var naive_nll(const Var& z, const Var& y) { return neg(mean(take2d(log(softmax(z)), arange(Dim(shape_i(y, 0))), y))); }

double ref_nll(const Tensor& z, const Tensor& y) {
  Tensor per_row = ref_xent(z, y);
  double s = 0;
  for (int64_t i = 0; i < per_row.size(); ++i) s += per_row.at(i);
  return s / double(per_row.size());
}

// d nll / dz = (softmax(z) - onehot(y)) / n.
Tensor ref_nll_grad(const Tensor& z, const Tensor& y) {
  Tensor g = Tensor::full(DType::Float64, {z.shape()[0]}, 1.0 / double(z.shape()[0]));
  return ref_xent(z, y, &g);
}

}  // namespace

TEST_CASE("softmax_xent: the rewrite fires and agrees with the naive graph") {
  // Known shapes (arange's length is provably z's rows) and unknown ones (a
  // slice z[0:len(y)] keeps the rewrite exact).
  for (bool known : {true, false}) {
    INFO("static shapes: " << known);
    Var z = input(DType::Float64, known ? Shape{5, 4} : Shape{-1, -1}, "z");
    Var y = input(DType::Int64, known ? Shape{5} : Shape{-1}, "y");
    Var cost = naive_nll(z, y);
    Var gz = grad(cost, {z})[0];
    Function f = function({z, y}, {cost, gz});
    CHECK(has_rewrite(f, "softmax_xent"));
    CHECK(program_has_op(f, "softmax_xent"));
    CHECK_FALSE(program_has_op(f, "log_softmax"));
    CHECK(has_rewrite(f, "softmax_grad_of_log"));  // the backward half
    // Provably one label per row: the backward is one softmax_xent_grad too.
    CHECK(program_has_op(f, "softmax_xent_grad") == known);

    Tensor zv = sample({5, 4}, -3, 3, 31), yv = ints({0, 3, 1, 1, 2}, {5});
    const auto& out = f({zv, yv});
    CHECK(out[0].item() == doctest::Approx(eval(cost, {{z, zv}, {y, yv}}).item()).epsilon(1e-12));
    CHECK(out[0].item() == doctest::Approx(ref_nll(zv, yv)).epsilon(1e-12));
    check_close(out[1], eval(gz, {{z, zv}, {y, yv}}), 1e-12);
    check_close(out[1], ref_nll_grad(zv, yv), 1e-12);
  }
}

TEST_CASE("softmax_xent: saturated logits give inf naively and the right finite value compiled") {
  for (bool known : {true, false}) {
    for (DType t : {DType::Float64, DType::Float32}) {
      INFO("static shapes: " << known << ", " << dtype_name(t));
      Var z = input(t, known ? Shape{2, 3} : Shape{-1, -1}, "z");
      Var y = input(DType::Int32, known ? Shape{2} : Shape{-1}, "y");
      Var cost = naive_nll(z, y);
      Var gz = grad(cost, {z})[0];
      // Row 1 puts its label 1000 below the largest logit: softmax underflows to 0.
      Tensor zv = Tensor::from<double>({1, 2, 3, 1000, 0, 0}, {2, 3});
      Tensor yv = ints({2, 1}, {2}, DType::Int32);
      Bindings bind{{z, zv.astype(t)}, {y, yv}};
      CHECK(std::isinf(eval(cost, bind).item()));
      Function f = function({z, y}, {cost, gz});
      const auto& out = f({zv.astype(t), yv});
      CHECK(std::isfinite(out[0].item()));
      CHECK(out[0].item() == doctest::Approx(ref_nll(zv, yv)).epsilon(1e-6));
      check_close(out[1], ref_nll_grad(zv, yv), 1e-6);
    }
  }
}

TEST_CASE("softmax_xent: left alone when the rows are not 0..n-1") {
  Var z = matrix("z", DType::Float64);
  Var y = lvector("y"), r = lvector("r");
  Function f = function({z, y, r}, {take2d(log(softmax(z)), r, y)});
  CHECK_FALSE(has_rewrite(f, "softmax_xent"));
  Var n = lscalar("n");
  Function g = function({z, y, n}, {take2d(log_softmax(z), arange(Dim(n)), y)});
  CHECK_FALSE(has_rewrite(g, "softmax_xent"));
  // A constant arange (folded to 0..n-1) matches.
  Var zc = input(DType::Float64, {3, 4}, "zc"), yc = input(DType::Int64, {3}, "yc");
  Function h = function({zc, yc}, {take2d(log(softmax(zc)), arange(3), yc)});
  CHECK(has_rewrite(h, "softmax_xent"));
  Tensor zv = sample({3, 4}, -1, 1, 33), yv = ints({3, 0, 1}, {3});
  Tensor want = ref_xent(zv, yv);
  for (int64_t i = 0; i < 3; ++i) CHECK(h({zv, yv})[0].at(i) == doctest::Approx(-want.at(i)).epsilon(1e-12));
}

TEST_CASE("softmax_xent: label and shape errors") {
  Var z = matrix("z"), y = ivector("y");
  std::string e = error_of([&] {
    eval(softmax_xent(z, y), {{z, Tensor::zeros(DType::Float32, {2, 3})}, {y, ints({0, 3}, {2}, DType::Int32)}});
  });
  CHECK(contains(e, "out of range"));
  e = error_of([&] { softmax_xent(input(DType::Float32, {4, 3}), input(DType::Int32, {5})); });
  CHECK(contains(e, "(4,3)"));
  CHECK(contains(e, "(5,)"));
  CHECK_THROWS_AS(softmax_xent(z, vector("v")), TypeError);
}

TEST_CASE("softmax_grad_of_log: exact on a hand-written pattern with a broadcast G") {
  Var z = matrix("z", DType::Float64), G = matrix("G", DType::Float64);
  Var s = softmax(z);
  Var D = G / s;
  Var v = (D - sum(D * s, Axes(-1), true)) * s;  // G is (n,1): D broadcasts it over the classes
  Function f = function({z, G}, {v});
  CHECK(has_rewrite(f, "softmax_grad_of_log"));
  Tensor zv = sample({3, 4}, -1, 1, 35), gv = sample({3, 1}, -1, 1, 36);
  check_close(f({zv, gv})[0], eval(v, {{z, zv}, {G, gv}}), 1e-12);
}
