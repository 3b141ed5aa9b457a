// Reductions: op-table rows for sum/max/min/argmax and mean, and cases for
// multiple axes with keepdims, negative axes, axis errors, dtypes, the fast
// paths (all, columns, rows) and allocation-free compiled calls.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <limits>

#include "alloc_counter.hpp"
#include "op_table.hpp"

using namespace nabla;

namespace {

using In = std::vector<Var>;
using Vals = std::vector<Tensor>;

// Plain-loop reduction over the axes flagged in `mask`: init, then combine(acc, x).
Tensor ref_reduce(const Tensor& x, std::vector<int> axes, bool keepdims,
                  const std::function<double(double, double)>& combine, double init,
                  DType dt = DType::Float64) {
  const int r = x.rank();
  std::vector<bool> mask(size_t(r), axes.empty());
  for (int a : axes) mask[size_t(a < 0 ? a + r : a)] = true;
  Shape kept, out;
  for (int d = 0; d < r; ++d) {
    kept.push_back(mask[size_t(d)] ? 1 : x.shape()[d]);
    if (!mask[size_t(d)]) out.push_back(x.shape()[d]);
    else if (keepdims) out.push_back(1);
  }
  std::vector<double> acc(size_t(kept.numel()), init);
  for (int64_t i = 0; i < x.size(); ++i) {
    int64_t rem = i, j = 0, stride = 1;
    for (int d = r - 1; d >= 0; --d) {
      int64_t c = rem % x.shape()[d];
      rem /= x.shape()[d];
      if (!mask[size_t(d)]) j += c * stride;
      stride *= kept[d];
    }
    acc[size_t(j)] = combine(acc[size_t(j)], x.at(i));
  }
  Tensor t = Tensor::zeros(dt, out);
  for (int64_t i = 0; i < t.size(); ++i) t.set(i, acc[size_t(i)]);
  return t;
}

double add_d(double a, double b) { return a + b; }
double max_d(double a, double b) { return std::max(a, b); }
double min_d(double a, double b) { return std::min(a, b); }
constexpr double kInf = std::numeric_limits<double>::infinity();

#define REDUCE_ROW(OP, FN, SHAPE, AXES, KEEP, COMBINE, INIT)                                            \
  add_op_row({OP, {sample(SHAPE, -1, 1, 101)},                                                          \
              [](const In& v) { return FN(v[0], Axes(std::vector<int> AXES), KEEP); }, {0}, 2,          \
              [](const Vals& t) { return ref_reduce(t[0], std::vector<int> AXES, KEEP, COMBINE, INIT); }})
#define REDUCE_ALL_ROW(OP, FN, SHAPE, COMBINE, INIT)                                                    \
  add_op_row({OP, {sample(SHAPE, -1, 1, 102)}, [](const In& v) { return FN(v[0]); }, {0}, 2,            \
              [](const Vals& t) { return ref_reduce(t[0], {}, false, COMBINE, INIT); }})

const bool rows_sum = REDUCE_ROW("sum", sum, Shape({3, 4}), ({1}), false, add_d, 0) &&
                      REDUCE_ROW("sum", sum, Shape({5, 6}), ({0}), false, add_d, 0) &&
                      REDUCE_ROW("sum", sum, Shape({2, 3, 4}), ({0, 2}), true, add_d, 0) &&
                      REDUCE_ROW("sum", sum, Shape({2, 3, 4}), ({-2}), false, add_d, 0) &&
                      REDUCE_ALL_ROW("sum", sum, Shape({3, 4}), add_d, 0) &&
                      add_op_row({"sum", {ints({1, 2, 3, 4, 5, 6}, {2, 3}, DType::Int32)},
                                  [](const In& v) { return sum(v[0], 0); }, {}, 0,
                                  [](const Vals&) { return ints({5, 7, 9}, {3}); }});
const bool rows_max = REDUCE_ROW("max", max, Shape({3, 4}), ({1}), false, max_d, -kInf) &&
                      REDUCE_ROW("max", max, Shape({2, 3, 4}), ({0, 2}), true, max_d, -kInf) &&
                      REDUCE_ALL_ROW("max", max, Shape({3, 4}), max_d, -kInf);
const bool rows_min = REDUCE_ROW("min", min, Shape({3, 4}), ({0}), false, min_d, kInf) &&
                      REDUCE_ROW("min", min, Shape({2, 3, 4}), ({1, 2}), false, min_d, kInf) &&
                      REDUCE_ALL_ROW("min", min, Shape({2, 3}), min_d, kInf);

Tensor ref_argmax(const Tensor& x, int axis, bool keepdims) {
  const Shape& s = x.shape();
  int64_t outer = 1, inner = 1, n = s[axis];
  for (int d = 0; d < axis; ++d) outer *= s[d];
  for (int d = axis + 1; d < s.rank(); ++d) inner *= s[d];
  Shape out;
  for (int d = 0; d < s.rank(); ++d) {
    if (d != axis) out.push_back(s[d]);
    else if (keepdims) out.push_back(1);
  }
  Tensor t = Tensor::zeros(DType::Int64, out);
  for (int64_t p = 0; p < outer; ++p)
    for (int64_t j = 0; j < inner; ++j) {
      int64_t best = 0;
      for (int64_t i = 1; i < n; ++i)
        if (x.at((p * n + i) * inner + j) > x.at((p * n + best) * inner + j)) best = i;
      t.set(p * inner + j, double(best));
    }
  return t;
}

const bool rows_argmax =
    add_op_row({"argmax", {sample({3, 4}, -1, 1, 111)}, [](const In& v) { return argmax(v[0]); }, {}, 0,
                [](const Vals& t) { return ref_argmax(t[0], 1, false); }}) &&
    add_op_row({"argmax", {sample({2, 3, 4}, -1, 1, 112)}, [](const In& v) { return argmax(v[0], 0, true); },
                {}, 0, [](const Vals& t) { return ref_argmax(t[0], 0, true); }}) &&
    add_op_row({"argmax", {sample({2, 3, 4}, -1, 1, 113)}, [](const In& v) { return argmax(v[0], -2); }, {},
                0, [](const Vals& t) { return ref_argmax(t[0], 1, false); }});

Tensor scaled(Tensor t, double k) {
  for (int64_t i = 0; i < t.size(); ++i) t.set(i, t.at(i) * k);
  return t;
}
const bool rows_mean =
    add_op_row({"api:mean", {sample({3, 4}, -1, 1, 121)}, [](const In& v) { return mean(v[0], 0); }, {0}, 2,
                [](const Vals& t) { return scaled(ref_reduce(t[0], {0}, false, add_d, 0), 1.0 / 3); }}) &&
    add_op_row({"api:mean", {sample({2, 3, 4}, -1, 1, 122)}, [](const In& v) { return mean(v[0]); }, {0}, 2,
                [](const Vals& t) { return scaled(ref_reduce(t[0], {}, false, add_d, 0), 1.0 / 24); }}) &&
    add_op_row({"api:mean", {sample({2, 3, 4}, -1, 1, 123)},
                [](const In& v) { return mean(v[0], {0, 2}, true); }, {0}, 2,
                [](const Vals& t) { return scaled(ref_reduce(t[0], {0, 2}, true, add_d, 0), 1.0 / 8); }});

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("reductions: several axes, keepdims and negative axes") {
  Tensor xv = sample({2, 3, 4}, -1, 1, 7);
  Var x = input(DType::Float64, {2, 3, 4}, "x");
  Bindings bind{{x, xv}};
  struct Case {
    std::vector<int> axes;
    bool keep;
    Shape shape;
  };
  const Case cases[] = {{{0, 2}, true, {1, 3, 1}},   {{0, 2}, false, {3}},     {{-1, 0}, false, {3}},
                        {{2, 0}, true, {1, 3, 1}},   {{1}, true, {2, 1, 4}},   {{0, 1, 2}, true, {1, 1, 1}},
                        {{0, 1, 2}, false, {}},      {{-3}, false, {3, 4}},    {{1, 2}, false, {2}}};
  for (const Case& c : cases) {
    INFO("axes size " << c.axes.size() << " first " << c.axes[0] << " keepdims " << c.keep);
    for (int which = 0; which < 3; ++which) {
      Var r = which == 0 ? sum(x, Axes(c.axes), c.keep) : which == 1 ? max(x, Axes(c.axes), c.keep)
                                                                     : min(x, Axes(c.axes), c.keep);
      CHECK(r.shape() == c.shape);
      Tensor got = eval(r, bind);
      CHECK(got.shape() == c.shape);
      Tensor want = which == 0   ? ref_reduce(xv, c.axes, c.keep, add_d, 0)
                    : which == 1 ? ref_reduce(xv, c.axes, c.keep, max_d, -kInf)
                                 : ref_reduce(xv, c.axes, c.keep, min_d, kInf);
      CHECK(allclose(got, want, 1e-12, 1e-12));
    }
    Tensor m = eval(mean(x, Axes(c.axes), c.keep), bind);
    CHECK(m.shape() == c.shape);
  }
  // Equal reductions written differently are the same op (so they merge).
  CHECK(sum(x, -1).op()->params() == sum(x, 2).op()->params());
  CHECK(sum(x, {2, 0}).op()->params() == sum(x, {0, -1}).op()->params());
  CHECK(sum(x).op()->params() == sum(x, {0, 1, 2}).op()->params());
}

TEST_CASE("reductions: axis errors name the axis and the rank") {
  Var x = input(DType::Float32, {3, 4}, "x");
  std::string msg = error_of([&] { sum(x, 2); });
  CHECK(contains(msg, "axis 2"));
  CHECK(contains(msg, "rank 2"));
  CHECK(contains(msg, "(3,4)"));
  CHECK(contains(msg, "sum"));
  CHECK_THROWS_AS(sum(x, 2), ShapeError);
  CHECK_THROWS_AS(max(x, -3), ShapeError);
  CHECK_THROWS_AS(mean(x, {0, 5}), ShapeError);
  CHECK(contains(error_of([&] { min(x, -3); }), "axis -3"));
  std::string am = error_of([&] { argmax(x, 2); });
  CHECK(contains(am, "axis 2"));
  CHECK(contains(am, "rank 2"));
  CHECK_THROWS_AS(argmax(input(DType::Float32, {}, "s")), ShapeError);
  CHECK_THROWS_AS(sum(x, {1, -1}), ValueError);  // the same axis twice
  // max over an empty axis has no identity; sum is 0.
  Var e = matrix("e");
  CHECK_THROWS_AS(eval(max(e, 1), {{e, Tensor::zeros(DType::Float32, {2, 0})}}), ValueError);
  CHECK(eval(sum(e, 1), {{e, Tensor::zeros(DType::Float32, {2, 0})}}).to_vector() == std::vector<double>{0, 0});
}

TEST_CASE("reductions: dtypes") {
  Var b = constant(Tensor::from<bool>({true, false, true, true}, {2, 2}));
  Var i = constant(Tensor::from<int32_t>({1, 2, 3, 4}, {2, 2}));
  Var f = input(DType::Float32, {2, 2}, "f");
  CHECK(sum(b).dtype() == DType::Int64);
  CHECK(eval(sum(b)).item() == 3.0);
  CHECK(eval(sum(b, 1)).to_vector() == std::vector<double>{1, 2});
  CHECK(sum(i).dtype() == DType::Int64);
  CHECK(eval(sum(i, 0)).to_vector() == std::vector<double>{4, 6});
  CHECK(max(i).dtype() == DType::Int32);
  CHECK(eval(max(i, 1)).to_vector() == std::vector<double>{2, 4});
  CHECK(eval(min(i, 0)).to_vector() == std::vector<double>{1, 2});
  CHECK(eval(max(b, 1)).to_vector() == std::vector<double>{1, 1});
  CHECK(eval(min(b, 1)).to_vector() == std::vector<double>{0, 1});
  CHECK(mean(i).dtype() == floatX);
  CHECK(eval(mean(i)).item() == 2.5);
  CHECK(eval(mean(b, 0)).to_vector() == std::vector<double>{1.0, 0.5});
  CHECK(sum(f).dtype() == DType::Float32);
  CHECK(mean(f).dtype() == DType::Float32);
  CHECK(argmax(f).dtype() == DType::Int64);
  CHECK(eval(argmax(i, 0)).to_vector() == std::vector<double>{1, 1});
}

TEST_CASE("reductions: fast paths agree with the reference in float32") {
  // reduce-all, columns of (10,30) (bias gradient), rows, and the general walk.
  Tensor x = sample({10, 30}, -1, 1, 5).astype(DType::Float32);
  Var v = constant(x);
  Tensor x64 = x.astype(DType::Float64);
  CHECK(allclose(eval(sum(v)).astype(DType::Float64), ref_reduce(x64, {}, false, add_d, 0), 1e-5, 1e-5));
  CHECK(allclose(eval(sum(v, 0)).astype(DType::Float64), ref_reduce(x64, {0}, false, add_d, 0), 1e-5, 1e-5));
  CHECK(allclose(eval(sum(v, 1)).astype(DType::Float64), ref_reduce(x64, {1}, false, add_d, 0), 1e-5, 1e-5));
  CHECK(allclose(eval(sum(v, 1, true)).astype(DType::Float64), ref_reduce(x64, {1}, true, add_d, 0), 1e-5, 1e-5));
  Tensor big = sample({1000, 37}, -1, 1, 6).astype(DType::Float32);
  Tensor big64 = big.astype(DType::Float64);
  CHECK(eval(sum(constant(big))).item() == doctest::Approx(ref_reduce(big64, {}, false, add_d, 0).item()).epsilon(1e-4));
  Tensor t = sample({3, 5, 7, 2}, -1, 1, 8);
  for (std::vector<int> axes : {std::vector<int>{1}, {0, 2}, {1, 3}, {3}, {2, 3}, {0, 1, 3}}) {
    CHECK(allclose(eval(sum(constant(t), Axes(axes))), ref_reduce(t, axes, false, add_d, 0), 1e-12, 1e-12));
    CHECK(allclose(eval(max(constant(t), Axes(axes))), ref_reduce(t, axes, false, max_d, -kInf)));
  }
  // Size-1 dims around the reduced one still take the row path correctly.
  Tensor s1 = sample({1, 4, 1, 5}, -1, 1, 9);
  CHECK(allclose(eval(sum(constant(s1), -1)), ref_reduce(s1, {-1}, false, add_d, 0), 1e-12, 1e-12));
  CHECK(allclose(eval(sum(constant(s1), {0, 3})), ref_reduce(s1, {0, 3}, false, add_d, 0), 1e-12, 1e-12));
}

TEST_CASE("reductions: argmax picks the first of ties, max ties share the gradient evenly") {
  Var x = constant(Tensor::from<double>({1, 3, 3, 0, 2, 2, 5, 5, 5}, {3, 3}));
  CHECK(eval(argmax(x)).to_vector() == std::vector<double>{1, 1, 0});
  CHECK(eval(argmax(x, 0)).to_vector() == std::vector<double>{2, 2, 2});
  CHECK(eval(argmax(x, 0, true)).shape() == Shape({1, 3}));
  Var y = input(DType::Float64, {3, 3}, "y");
  Bindings bind{{y, Tensor::from<double>({1, 3, 3, 0, 2, 2, 5, 5, 5}, {3, 3})}};
  Tensor g = eval(grad(sum(max(y, 1)), y), bind);
  const double third = 1.0 / 3.0;  // docs/gradient_conventions.rst
  CHECK(g.to_vector() == std::vector<double>{0, 0.5, 0.5, 0, 0.5, 0.5, third, third, third});
  Tensor gm = eval(grad(sum(min(y, 0)), y), bind);
  CHECK(gm.to_vector() == std::vector<double>{0, 0, 0, 1, 1, 1, 0, 0, 0});
  // NaN propagates through max, as in numpy.
  Var n = constant(Tensor::from<double>({1, std::nan(""), 3}, {3}));
  CHECK(std::isnan(eval(max(n)).item()));
  CHECK(eval(argmax(n)).item() == 1.0);
}

TEST_CASE("reductions: mean over unknown shapes counts at run time") {
  Var x = matrix("x", DType::Float64);
  Var m0 = mean(x, 0), all = mean(x);
  Bindings bind{{x, Tensor::from<double>({1, 2, 3, 4, 5, 6}, {2, 3})}};
  CHECK(eval(m0, bind).to_vector() == std::vector<double>{2.5, 3.5, 4.5});
  CHECK(eval(all, bind).item() == 3.5);
  Tensor g = eval(grad(all, x), bind);
  for (int64_t i = 0; i < 6; ++i) CHECK(g.at(i) == doctest::Approx(1.0 / 6));
  Function f = function({x}, {all, grad(all, x)});
  CHECK(f({Tensor::full(DType::Float64, {4, 5}, 2.0)})[0].item() == 2.0);
  CHECK(f({Tensor::full(DType::Float64, {4, 5}, 2.0)})[1].at(0) == doctest::Approx(1.0 / 20));
  CHECK(f({Tensor::full(DType::Float64, {2, 2}, 1.0)})[1].at(0) == doctest::Approx(0.25));
  Var i = input(DType::Int32, {-1}, "i");
  CHECK(eval(mean(i), {{i, Tensor::from<int32_t>({1, 2}, {2})}}).item() == 1.5);
}

TEST_CASE("reductions: compiled reductions allocate nothing after the first call") {
  Var x = matrix("x");
  Var cost = sum(sqr(x - max(x, 1, true))) + mean(x) + sum(min(x, 0)) +
             sum(cast(argmax(x), DType::Float32)) + sum(sum(x, {0, 1}, true));
  std::vector<Var> g = grad(cost, {x});
  Function f = function({x}, {cost, g[0], sum(x, 0)});
  std::vector<Tensor> args = {sample({10, 30}).astype(DType::Float32)};
  f(args);
  uint64_t heap_before = heap_allocations();
  uint64_t buffers_before = Buffer::allocations();
  f(args);
  f(args);
  CHECK(heap_allocations() == heap_before);
  CHECK(Buffer::allocations() == buffers_before);
}
