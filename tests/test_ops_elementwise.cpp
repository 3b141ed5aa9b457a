// Elementwise, broadcast and fill ops: op-table rows (values against plain-loop
// references, gradients of first and second order) and focused cases for
// broadcasting, dtype promotion, error messages and numerical edge cases.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>

#include "alloc_counter.hpp"
#include "op_table.hpp"

using namespace nabla;

namespace {

// ---- plain-loop references ----------------------------------------------------

Shape np_broadcast(const Shape& a, const Shape& b) {
  const int r = std::max(a.rank(), b.rank());
  Shape out;
  for (int i = 0; i < r; ++i) {
    int ia = a.rank() - r + i, ib = b.rank() - r + i;
    int64_t da = ia >= 0 ? a[ia] : 1, db = ib >= 0 ? b[ib] : 1;
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

// Flat index into a tensor of shape `s` for the element at flat index `flat` of
// the broadcast result `out`.
int64_t source_index(const Shape& s, const Shape& out, int64_t flat) {
  int64_t idx = 0, stride = 1;
  for (int i = out.rank() - 1; i >= 0; --i) {
    int64_t c = flat % out[i];
    flat /= out[i];
    int j = i - (out.rank() - s.rank());
    if (j < 0) continue;
    if (s[j] != 1) idx += c * stride;
    stride *= s[j];
  }
  return idx;
}

template <class F> Tensor ref_binary(const Tensor& a, const Tensor& b, F f, DType dt = DType::Float64) {
  Shape o = np_broadcast(a.shape(), b.shape());
  Tensor t = Tensor::zeros(dt, o);
  for (int64_t i = 0; i < t.size(); ++i)
    t.set(i, f(a.at(source_index(a.shape(), o, i)), b.at(source_index(b.shape(), o, i))));
  return t;
}

template <class F> Tensor ref_unary(const Tensor& a, F f, DType dt = DType::Float64) {
  Tensor t = Tensor::zeros(dt, a.shape());
  for (int64_t i = 0; i < t.size(); ++i) t.set(i, f(a.at(i)));
  return t;
}

using In = std::vector<Var>;
using Vals = std::vector<Tensor>;

Tensor doubles(const std::vector<double>& v, const Shape& s) { return Tensor::from<double>(v, s); }

// ---- rows: binary arithmetic with broadcasting --------------------------------

#define BINARY_ROW(OP, FN, A, B, LO_B, HI_B, EXPR)                                                  \
  add_op_row({OP, {sample(A, -1, 1, 11), sample(B, LO_B, HI_B, 12)},                                \
              [](const In& v) { return FN(v[0], v[1]); }, {0, 1}, 2,                                \
              [](const Vals& t) { return ref_binary(t[0], t[1], [](double x, double y) { return EXPR; }); }})

const bool rows_add = BINARY_ROW("add", add, Shape({3, 4}), Shape({4}), -1, 1, x + y) &&
                      BINARY_ROW("add", add, Shape({3, 1}), Shape({1, 4}), -1, 1, x + y) &&
                      BINARY_ROW("add", add, Shape({}), Shape({3, 4}), -1, 1, x + y) &&
                      BINARY_ROW("add", add, Shape({2, 3}), Shape({2, 3}), -1, 1, x + y);
const bool rows_sub = BINARY_ROW("sub", sub, Shape({3, 4}), Shape({3, 1}), -1, 1, x - y) &&
                      BINARY_ROW("sub", sub, Shape({4}), Shape({2, 3, 4}), -1, 1, x - y);
const bool rows_mul = BINARY_ROW("mul", mul, Shape({3, 1}), Shape({1, 4}), -1, 1, x * y) &&
                      BINARY_ROW("mul", mul, Shape({}), Shape({3, 4}), -1, 1, x * y) &&
                      BINARY_ROW("mul", mul, Shape({2, 1, 3}), Shape({4, 1}), -1, 1, x * y);
const bool rows_div = BINARY_ROW("div", div, Shape({3, 4}), Shape({4}), 0.5, 2, x / y) &&
                      BINARY_ROW("div", div, Shape({}), Shape({2, 3}), 0.5, 2, x / y);
const bool rows_max = BINARY_ROW("maximum", maximum, Shape({3, 4}), Shape({4}), -1, 1, std::max(x, y));
const bool rows_min = BINARY_ROW("minimum", minimum, Shape({3, 1}), Shape({1, 4}), -1, 1, std::min(x, y));

const bool row_pow = add_op_row(
    {"pow", {sample({3, 4}, 0.5, 2, 21), sample({4}, -1.5, 1.5, 22)},
     [](const In& v) { return pow(v[0], v[1]); }, {0, 1}, 2,
     [](const Vals& t) { return ref_binary(t[0], t[1], [](double x, double y) { return std::pow(x, y); }); }});

// ---- rows: comparisons (bool results, no gradient) ----------------------------

#define COMPARE_ROW(OP, FN, EXPR)                                                                    \
  add_op_row({OP, {ints({1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, {3, 4}), ints({3, 6, 7, 12}, {4})},  \
              [](const In& v) { return FN(v[0], v[1]); }, {}, 0,                                     \
              [](const Vals& t) {                                                                    \
                return ref_binary(t[0], t[1], [](double x, double y) { return double(EXPR); },      \
                                  DType::Bool);                                                      \
              }})
const bool rows_cmp = COMPARE_ROW("eq", eq, x == y) && COMPARE_ROW("neq", neq, x != y) &&
                      COMPARE_ROW("lt", lt, x < y) && COMPARE_ROW("le", le, x <= y) &&
                      COMPARE_ROW("gt", gt, x > y) && COMPARE_ROW("ge", ge, x >= y);
const bool row_lt_float = add_op_row(
    {"lt", {sample({3, 1}, -1, 1, 31), sample({4}, -1, 1, 32)},
     [](const In& v) { return lt(v[0], v[1]); }, {}, 0,
     [](const Vals& t) {
       return ref_binary(t[0], t[1], [](double x, double y) { return double(x < y); }, DType::Bool);
     }});

// ---- rows: where -----------------------------------------------------------------

Tensor where_ref(const Vals& t) {
  Shape o = np_broadcast(np_broadcast(t[0].shape(), t[1].shape()), t[2].shape());
  Tensor r = Tensor::zeros(DType::Float64, o);
  for (int64_t i = 0; i < r.size(); ++i) {
    bool c = t[0].at(source_index(t[0].shape(), o, i)) != 0;
    r.set(i, c ? t[1].at(source_index(t[1].shape(), o, i)) : t[2].at(source_index(t[2].shape(), o, i)));
  }
  return r;
}
const bool row_where =
    add_op_row({"where",
                {ints({1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1}, {3, 4}, DType::Bool), sample({3, 4}, -1, 1, 41),
                 sample({4}, -1, 1, 42)},
                [](const In& v) { return where(v[0], v[1], v[2]); }, {1, 2}, 2, where_ref}) &&
    add_op_row({"where", {ints({1, 0, 1}, {3, 1}, DType::Bool), sample({}, -1, 1, 43), sample({4}, -1, 1, 44)},
                [](const In& v) { return where(v[0], mul(v[1], v[1]), v[2]); }, {1, 2}, 2,
                [](const Vals& t) {
                  Vals u = t;
                  u[1] = ref_unary(t[1], [](double x) { return x * x; });
                  return where_ref(u);
                }});

// ---- rows: unary -----------------------------------------------------------------

#define UNARY_ROW(OP, FN, LO, HI, ORDER, EXPR)                                               \
  add_op_row({OP, {sample({3, 4}, LO, HI, 51)}, [](const In& v) { return FN(v[0]); }, {0}, ORDER, \
              [](const Vals& t) { return ref_unary(t[0], [](double x) { return EXPR; }); }})

const bool rows_unary =
    UNARY_ROW("neg", neg, -1, 1, 2, -x) && UNARY_ROW("exp", exp, -2, 2, 2, std::exp(x)) &&
    UNARY_ROW("log", log, 0.2, 3, 2, std::log(x)) && UNARY_ROW("log1p", log1p, -0.5, 2, 2, std::log1p(x)) &&
    UNARY_ROW("sqrt", sqrt, 0.2, 3, 2, std::sqrt(x)) && UNARY_ROW("tanh", tanh, -2, 2, 2, std::tanh(x)) &&
    UNARY_ROW("sigmoid", sigmoid, -4, 4, 2, 1 / (1 + std::exp(-x))) &&
    UNARY_ROW("softplus", softplus, -5, 5, 2, std::log1p(std::exp(x))) &&
    UNARY_ROW("erf", erf, -2, 2, 2, std::erf(x));

// abs and sign: sample points well away from 0 (the kink).
const Tensor kNoZeros = doubles({-0.9, 0.3, -0.25, 0.7, 1.2, -1.5, 0.45, -0.6}, {2, 4});
const bool row_abs = add_op_row({"abs", {kNoZeros}, [](const In& v) { return abs(v[0]); }, {0}, 2,
                                 [](const Vals& t) { return ref_unary(t[0], [](double x) { return std::fabs(x); }); }});
const bool row_sign = add_op_row(
    {"sign", {kNoZeros}, [](const In& v) { return sign(v[0]); }, {0}, 1,
     [](const Vals& t) { return ref_unary(t[0], [](double x) { return double((x > 0) - (x < 0)); }); }}) &&
                      add_op_row({"sign", {ints({-3, 0, 5}, {3}, DType::Int32)},
                                  [](const In& v) { return sign(v[0]); }, {}, 0,
                                  [](const Vals&) { return ints({-1, 0, 1}, {3}, DType::Int32); }});

// cast: float64 -> float32 (round to nearest) and -> int32 (truncation); in float32
// a finite-difference check cannot resolve eps = 1e-6, so the gradient has its own case.
const bool row_cast =
    add_op_row({"cast", {sample({3, 4}, -3, 3, 61)}, [](const In& v) { return cast(v[0], DType::Float32); },
                {}, 0,
                [](const Vals& t) {
                  return ref_unary(t[0], [](double x) { return double(float(x)); }, DType::Float32);
                }}) &&
    add_op_row({"cast", {sample({3, 4}, -3, 3, 62)}, [](const In& v) { return cast(v[0], DType::Int32); },
                {}, 0,
                [](const Vals& t) { return ref_unary(t[0], [](double x) { return std::trunc(x); }, DType::Int32); }}) &&
    add_op_row({"cast", {ints({-2, 0, 3}, {3}, DType::Int64)}, [](const In& v) { return cast(v[0], DType::Bool); },
                {}, 0, [](const Vals&) { return ints({1, 0, 1}, {3}, DType::Bool); }});

// ---- rows: compositions -------------------------------------------------------------

const bool row_relu = add_op_row(
    {"api:relu", {kNoZeros}, [](const In& v) { return relu(v[0]); }, {0}, 2,
     [](const Vals& t) { return ref_unary(t[0], [](double x) { return x > 0 ? x : 0.0; }); }});
const bool row_sqr = add_op_row({"api:sqr", {sample({3, 4}, -2, 2, 71)}, [](const In& v) { return sqr(v[0]); },
                                 {0}, 2,
                                 [](const Vals& t) { return ref_unary(t[0], [](double x) { return x * x; }); }});

// ---- rows: broadcast_like, sum_like, fill_like, full --------------------------------

Tensor ref_broadcast_to(const Tensor& a, const Shape& s) {
  Tensor t = Tensor::zeros(DType::Float64, s);
  for (int64_t i = 0; i < t.size(); ++i) t.set(i, a.at(source_index(a.shape(), s, i)));
  return t;
}
Tensor ref_sum_to(const Tensor& g, const Shape& s) {
  Tensor t = Tensor::zeros(DType::Float64, s);
  for (int64_t i = 0; i < g.size(); ++i) {
    int64_t j = source_index(s, g.shape(), i);
    t.set(j, t.at(j) + g.at(i));
  }
  return t;
}

#define BROADCAST_ROW(A, REF)                                                                   \
  add_op_row({"broadcast_like", {sample(A, -1, 1, 81), sample(REF, -1, 1, 82)},                \
              [](const In& v) { return broadcast_like(v[0], v[1]); }, {0}, 2,                  \
              [](const Vals& t) { return ref_broadcast_to(t[0], t[1].shape()); }})
#define SUM_LIKE_ROW(G, REF)                                                                    \
  add_op_row({"sum_like", {sample(G, -1, 1, 83), sample(REF, -1, 1, 84)},                      \
              [](const In& v) { return sum_like(v[0], v[1]); }, {0}, 2,                        \
              [](const Vals& t) { return ref_sum_to(t[0], t[1].shape()); }})

const bool rows_broadcast = BROADCAST_ROW(Shape({4}), Shape({3, 4})) && BROADCAST_ROW(Shape({3, 1}), Shape({3, 4})) &&
                            BROADCAST_ROW(Shape({}), Shape({2, 3})) &&
                            BROADCAST_ROW(Shape({2, 1, 4}), Shape({2, 3, 4}));
const bool rows_sum_like = SUM_LIKE_ROW(Shape({3, 4}), Shape({4})) && SUM_LIKE_ROW(Shape({3, 4}), Shape({3, 1})) &&
                           SUM_LIKE_ROW(Shape({2, 3, 4}), Shape({3, 1})) &&
                           SUM_LIKE_ROW(Shape({2, 3}), Shape({})) &&
                           SUM_LIKE_ROW(Shape({2, 3, 4, 5}), Shape({1, 3, 1, 1})) &&  // a conv bias gradient
                           SUM_LIKE_ROW(Shape({2, 3, 4}), Shape({2, 1, 4}));          // not one block of axes

const bool row_fill_like = add_op_row(
    {"fill_like", {sample({2, 3}, -1, 1, 91)}, [](const In& v) { return mul(v[0], fill_like(v[0], 2.5)); }, {0}, 2,
     [](const Vals& t) { return ref_unary(t[0], [](double x) { return 2.5 * x; }); }});
const bool row_full = add_op_row(
    {"full", {ints({3}, {}, DType::Int64)}, [](const In& v) { return full({Dim(v[0]), 4}, 1.5, DType::Float64); },
     {}, 0, [](const Vals&) { return Tensor::full(DType::Float64, {3, 4}, 1.5); }});

// ---- helpers for the cases ------------------------------------------------------------

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

TEST_CASE("elementwise: broadcasting kernels agree with the reference (all loop paths)") {
  const Shape pairs[][2] = {{{3, 4}, {3, 4}},       {{3, 4}, {4}},          {{3, 4}, {3, 1}},
                            {{3, 1}, {1, 4}},       {{}, {3, 4}},           {{3, 4}, {}},
                            {{2, 1, 3}, {1, 4, 1}}, {{2, 3, 4}, {3, 1}},    {{5, 1, 1}, {1, 1, 7}},
                            {{1, 4}, {4}},          {{2, 0, 3}, {3}},       {{10, 784}, {784}},
                            {{4, 1, 2, 1}, {3, 1, 5}}};
  for (const auto& p : pairs) {
    INFO("shapes " << p[0].str() << " and " << p[1].str());
    Tensor a = sample(p[0], -2, 2, 3), b = sample(p[1], -2, 2, 4);
    for (DType dt : {DType::Float32, DType::Float64, DType::Int32}) {
      Tensor ta = a.astype(dt), tb = b.astype(dt);
      Var x = constant(ta), y = constant(tb);
      Tensor got = eval(sub(mul(x, y), x));
      Tensor want = ref_binary(ta, tb, [&](double u, double v) { return u * v - u; });
      REQUIRE(got.shape() == want.shape());
      CHECK(allclose(got.astype(DType::Float64), want, 1e-6, 1e-6));
      Tensor c = eval(gt(x, y));
      CHECK(c.dtype() == DType::Bool);
      CHECK(allclose(c.astype(DType::Float64), ref_binary(ta, tb, [](double u, double v) { return double(u > v); })));
    }
  }
}

TEST_CASE("elementwise: dtype promotion") {
  Var i = input(DType::Int32, {3}, "i");
  Var f = input(DType::Float32, {3}, "f");
  Var l = input(DType::Int64, {3}, "l");
  Var d = input(DType::Float64, {3}, "d");
  Var bo = input(DType::Bool, {3}, "bo");
  CHECK(add(i, f).dtype() == DType::Float32);
  CHECK(mul(f, i).dtype() == DType::Float32);
  CHECK(add(i, l).dtype() == DType::Int64);
  CHECK(sub(f, d).dtype() == DType::Float64);
  CHECK(add(bo, bo).dtype() == DType::Int64);  // bools count
  CHECK(div(i, i).dtype() == floatX);          // true division
  CHECK(div(i, d).dtype() == DType::Float64);
  for (const Var& c : {lt(i, f), le(i, f), gt(i, l), ge(f, d), eq(i, i), neq(bo, i)})
    CHECK(c.dtype() == DType::Bool);
  CHECK(exp(i).dtype() == floatX);
  CHECK(neg(i).dtype() == DType::Int32);
  CHECK(abs(l).dtype() == DType::Int64);
  CHECK(maximum(i, f).dtype() == DType::Float32);
  CHECK(where(i, i, f).dtype() == DType::Float32);  // a non-bool condition means != 0
  // Literals keep the Var's dtype when that keeps its kind.
  CHECK((i * 2.0).dtype() == DType::Int32);
  CHECK((i * 0.5).dtype() == floatX);
  CHECK((f * 2.0).dtype() == DType::Float32);
  CHECK((1.0 - d).dtype() == DType::Float64);
  CHECK(relu(f).dtype() == DType::Float32);

  Bindings bind{{i, Tensor::from<int32_t>({1, -2, 3}, {3})}, {f, Tensor::from<float>({0.5f, 0.5f, 0.25f}, {3})}};
  Tensor s = eval(add(i, f), bind);
  CHECK(s.dtype() == DType::Float32);
  CHECK(s.to_vector() == std::vector<double>{1.5, -1.5, 3.25});
  Tensor q = eval(div(i, constant(2, DType::Int32)), bind);
  CHECK(q.to_vector() == std::vector<double>{0.5, -1.0, 1.5});
  Tensor c = eval(lt(i, f), bind);
  CHECK(c.to_vector() == std::vector<double>{0, 1, 0});
}

TEST_CASE("elementwise: operators with Vars and scalars") {
  Var x = input(DType::Float64, {3}, "x");
  Var y = input(DType::Float64, {3}, "y");
  Bindings bind{{x, doubles({1, 2, 4}, {3})}, {y, doubles({2, 2, 2}, {3})}};
  CHECK(eval(x + y, bind).to_vector() == std::vector<double>{3, 4, 6});
  CHECK(eval(x - y, bind).to_vector() == std::vector<double>{-1, 0, 2});
  CHECK(eval(x * y, bind).to_vector() == std::vector<double>{2, 4, 8});
  CHECK(eval(x / y, bind).to_vector() == std::vector<double>{0.5, 1, 2});
  CHECK(eval(-x, bind).to_vector() == std::vector<double>{-1, -2, -4});
  CHECK(eval(x + 1.0, bind).to_vector() == std::vector<double>{2, 3, 5});
  CHECK(eval(x - 1.0, bind).to_vector() == std::vector<double>{0, 1, 3});
  CHECK(eval(x * 3.0, bind).to_vector() == std::vector<double>{3, 6, 12});
  CHECK(eval(x / 2.0, bind).to_vector() == std::vector<double>{0.5, 1, 2});
  CHECK(eval(1.0 + x, bind).to_vector() == std::vector<double>{2, 3, 5});
  CHECK(eval(1.0 - x, bind).to_vector() == std::vector<double>{0, -1, -3});
  CHECK(eval(2.0 * x, bind).to_vector() == std::vector<double>{2, 4, 8});
  CHECK(eval(4.0 / x, bind).to_vector() == std::vector<double>{4, 2, 1});
  CHECK(eval(x < y, bind).to_vector() == std::vector<double>{1, 0, 0});
  CHECK(eval(x <= y, bind).to_vector() == std::vector<double>{1, 1, 0});
  CHECK(eval(x > y, bind).to_vector() == std::vector<double>{0, 0, 1});
  CHECK(eval(x >= y, bind).to_vector() == std::vector<double>{0, 1, 1});
  CHECK(eval(sqr(x), bind).to_vector() == std::vector<double>{1, 4, 16});
  CHECK(eval(relu(x - 2.0), bind).to_vector() == std::vector<double>{0, 0, 2});
  CHECK(eval(pow(x, constant(2.0, DType::Float64)), bind).to_vector() == std::vector<double>{1, 4, 16});
}

TEST_CASE("elementwise: shape errors name both shapes") {
  Var a = input(DType::Float32, {10, 784}, "a");
  Var b = input(DType::Float32, {30}, "b");
  std::string msg = error_of([&] { add(a, b); });
  CHECK(contains(msg, "(10,784)"));
  CHECK(contains(msg, "(30,)"));
  CHECK(contains(msg, "add"));
  CHECK(contains(msg, "cannot broadcast"));
  CHECK_THROWS_AS(mul(a, b), ShapeError);
  CHECK_THROWS_AS(a < b, ShapeError);

  // Unknown dims are checked when the values arrive.
  Var m = matrix("m", DType::Float64), v = vector("v", DType::Float64);
  Var s = add(m, v);
  std::string run = error_of([&] { eval(s, {{m, sample({3, 4})}, {v, sample({5})}}); });
  CHECK(contains(run, "(3,4)"));
  CHECK(contains(run, "(5,)"));
  CHECK_THROWS_AS(eval(s, {{m, sample({3, 4})}, {v, sample({5})}}), ShapeError);
  Function f = function({m, v}, {s});
  CHECK_THROWS_AS(f({sample({3, 4}), sample({2})}), ShapeError);
  CHECK(f({sample({3, 4}), sample({4})})[0].shape() == Shape({3, 4}));

  // where names all three shapes.
  Var c = input(DType::Bool, {2, 3}, "c");
  std::string w = error_of([&] { where(c, input(DType::Float32, {4}), input(DType::Float32, {3})); });
  CHECK(contains(w, "(2,3), (4,) and (3,)"));

  std::string bl = error_of([&] { broadcast_like(input(DType::Float32, {3}), input(DType::Float32, {3, 4})); });
  CHECK(contains(bl, "(3,)"));
  CHECK(contains(bl, "(3,4)"));
  std::string sl = error_of([&] { sum_like(input(DType::Float32, {3, 4}), input(DType::Float32, {3})); });
  CHECK(contains(sl, "(3,4)"));
  CHECK(contains(sl, "(3,)"));
  CHECK_THROWS_AS(exp(input(DType::Float32, {2})) + input(DType::Float32, {3}), ShapeError);
}

TEST_CASE("elementwise: sigmoid, softplus and tanh stay finite for large |x|") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    Tensor big = Tensor::from<double>({-1000, -50, 0, 50, 1000}, {5}).astype(dt);
    Var x = constant(big);
    Tensor s = eval(sigmoid(x)), p = eval(softplus(x)), t = eval(tanh(x));
    for (int64_t i = 0; i < 5; ++i) {
      CHECK(std::isfinite(s.at(i)));
      CHECK(std::isfinite(p.at(i)));
      CHECK(std::isfinite(t.at(i)));
    }
    CHECK(s.at(0) == 0.0);
    CHECK(s.at(2) == 0.5);
    CHECK(s.at(4) == 1.0);
    CHECK(p.at(0) == doctest::Approx(0.0));
    CHECK(p.at(2) == doctest::Approx(std::log(2.0)));
    CHECK(p.at(4) == doctest::Approx(1000.0));
    CHECK(t.at(0) == -1.0);
    CHECK(t.at(4) == 1.0);
    // The gradient of sigmoid at the extremes is 0, not NaN.
    Var v = input(dt, {5}, "v");
    Tensor g = eval(grad(sum(sigmoid(v)), v), {{v, big}});
    CHECK(g.at(0) == 0.0);
    CHECK(g.at(4) == 0.0);
  }
}

TEST_CASE("elementwise: float32 transcendentals match double references on long vectors") {
  Tensor x = sample({10, 784}, -6, 6, 9);
  Tensor x32 = x.astype(DType::Float32);
  Var v = constant(x32);
  auto absx = [](double u) { return std::fabs(u); };
  Tensor e = eval(exp(v)), s = eval(sigmoid(v)), t = eval(tanh(v)), sp = eval(softplus(v));
  Tensor l = eval(log(abs(v) + 1.0)), lp = eval(log1p(abs(v))), q = eval(sqrt(abs(v)));
  for (int64_t i = 0; i < x.size(); i += 7) {
    double u = double(x32.data<float>()[i]);
    CHECK(e.at(i) == doctest::Approx(std::exp(u)).epsilon(1e-5));
    CHECK(s.at(i) == doctest::Approx(1 / (1 + std::exp(-u))).epsilon(1e-5));
    CHECK(t.at(i) == doctest::Approx(std::tanh(u)).epsilon(1e-5));
    CHECK(sp.at(i) == doctest::Approx(std::log1p(std::exp(u))).epsilon(1e-5));
    CHECK(l.at(i) == doctest::Approx(std::log(absx(u) + 1)).epsilon(1e-5));
    CHECK(lp.at(i) == doctest::Approx(std::log1p(absx(u))).epsilon(1e-5));
    CHECK(q.at(i) == doctest::Approx(std::sqrt(absx(u))).epsilon(1e-5));
  }
}

TEST_CASE("elementwise: integer and bool kernels") {
  Var i = constant(Tensor::from<int32_t>({-3, 0, 4}, {3}));
  CHECK(eval(neg(i)).to_vector() == std::vector<double>{3, 0, -4});
  CHECK(eval(abs(i)).to_vector() == std::vector<double>{3, 0, 4});
  CHECK(eval(sign(i)).to_vector() == std::vector<double>{-1, 0, 1});
  CHECK(eval(maximum(i, constant(1, DType::Int32))).to_vector() == std::vector<double>{1, 1, 4});
  CHECK(eval(pow(i, constant(2, DType::Int32))).to_vector() == std::vector<double>{9, 0, 16});
  Var b = constant(Tensor::from<bool>({true, false, true}, {3}));
  Tensor nb = eval(neg(b));
  CHECK(nb.dtype() == DType::Int64);
  CHECK(nb.to_vector() == std::vector<double>{-1, 0, -1});
  CHECK(eval(add(b, b)).to_vector() == std::vector<double>{2, 0, 2});
  CHECK(eval(where(b, i, constant(7, DType::Int32))).to_vector() == std::vector<double>{-3, 7, 4});
  CHECK(eval(cast(constant(Tensor::from<double>({-1.7, 0.2, 2.9}, {3})), DType::Int64)).to_vector() ==
        std::vector<double>{-1, 0, 2});
  CHECK(eval(cast(constant(Tensor::from<double>({-1.7, 0.0, 2.9}, {3})), DType::Bool)).to_vector() ==
        std::vector<double>{1, 0, 1});
}

TEST_CASE("elementwise: gradients through cast, comparisons and integer inputs") {
  Var x = input(DType::Float64, {3}, "x");
  Bindings bind{{x, doubles({0.5, -1, 2}, {3})}};
  // float64 -> float32 -> sum: the gradient comes back as float64 ones.
  Tensor g = eval(grad(sum(cast(x, DType::Float32)), x), bind);
  CHECK(g.dtype() == DType::Float64);
  CHECK(g.to_vector() == std::vector<double>{1, 1, 1});
  // Through an integer cast nothing flows.
  Tensor z = eval(grad(sum(cast(cast(x, DType::Int32), DType::Float64)) + sum(x), x), bind);
  CHECK(z.to_vector() == std::vector<double>{1, 1, 1});
  // where: no gradient into the condition, the branches split g.
  Tensor w = eval(grad(sum(where(gt(x, constant(0.0, DType::Float64)), x * 3.0, x * x)), x), bind);
  CHECK(w.to_vector() == std::vector<double>{3, -2, 3});
  // relu'(0) = 0 and maximum sends ties to its second operand.
  Var r = input(DType::Float64, {3}, "r");
  Tensor gr = eval(grad(sum(relu(r)), r), {{r, doubles({-1, 0, 2}, {3})}});
  CHECK(gr.to_vector() == std::vector<double>{0, 0, 1});
}

// maximum's and minimum's pullbacks compare the op's output with b (so relu's z is
// not read again); the masks must be exactly the rule on a and b, for ties, signed
// zeros and NaNs on either side.
TEST_CASE("elementwise: maximum and minimum gradients follow the rule on a and b at ties, zeros and NaNs") {
  const double nan = std::nan("");
  const std::vector<double> av{1, -1, 0, -0.0, 0, nan, 2, 3, nan, -2};
  const std::vector<double> bv{0, 0, -0.0, 0, 0, 1, nan, 3, nan, -2};
  const std::vector<double> gv{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  const Shape s{int64_t(av.size())};
  Var a = input(DType::Float64, s, "a"), b = input(DType::Float64, s, "b");
  Var gc = constant(doubles(gv, s));
  Bindings bind{{a, doubles(av, s)}, {b, doubles(bv, s)}};
  for (bool is_max : {true, false}) {
    CAPTURE(is_max);
    std::vector<Var> g = grad(sum((is_max ? maximum(a, b) : minimum(a, b)) * gc), {a, b});
    const std::vector<double> ga = eval(g[0], bind).to_vector(), gb = eval(g[1], bind).to_vector();
    for (size_t i = 0; i < av.size(); ++i) {
      CAPTURE(i);
      const bool to_a = is_max ? av[i] > bv[i] : av[i] < bv[i];
      const bool to_b = is_max ? av[i] <= bv[i] : av[i] >= bv[i];
      CHECK(ga[i] == (to_a ? gv[i] : 0.0));
      CHECK(gb[i] == (to_b ? gv[i] : 0.0));
    }
  }
}

TEST_CASE("broadcast: fill_like, zeros_like, ones_like and full") {
  Var x = input(DType::Int32, {2, 3}, "x");
  Var z = zeros_like(x), o = ones_like(x), f = fill_like(x, 7);
  CHECK(z.dtype() == DType::Int32);
  CHECK(z.shape() == Shape({2, 3}));
  Bindings bind{{x, ints({1, 2, 3, 4, 5, 6}, {2, 3}, DType::Int32)}};
  CHECK(eval(z, bind).to_vector() == std::vector<double>(6, 0.0));
  CHECK(eval(o, bind).to_vector() == std::vector<double>(6, 1.0));
  CHECK(eval(f, bind).to_vector() == std::vector<double>(6, 7.0));
  Var bo = input(DType::Bool, {2}, "bo");
  CHECK(eval(fill_like(bo, 3), {{bo, ints({0, 0}, {2}, DType::Bool)}}).to_vector() == std::vector<double>{1, 1});

  // full: constant and symbolic dims; a compiled function follows the dim's value.
  Tensor c = eval(full({2, 3}, 0.5));
  CHECK(c.dtype() == floatX);
  CHECK(c.shape() == Shape({2, 3}));
  CHECK(c.to_vector() == std::vector<double>(6, 0.5));
  Var n = lscalar("n");
  Var y = full({Dim(n), 2}, 4.0, DType::Int64);
  CHECK(y.shape() == Shape({-1, 2}));
  CHECK(y.dtype() == DType::Int64);
  Function fn = function({n}, {sum(y)});
  CHECK(fn({Tensor::scalar<int64_t>(3)})[0].item() == 24.0);
  CHECK(fn({Tensor::scalar<int64_t>(5)})[0].item() == 40.0);
  CHECK(fn({Tensor::scalar<int64_t>(0)})[0].item() == 0.0);
  std::string neg_dim = error_of([&] { fn({Tensor::scalar<int64_t>(-2)}); });
  CHECK(contains(neg_dim, "-2"));
  CHECK(contains(neg_dim, "dimension 0"));
  CHECK_THROWS_AS(full({2, -1}, 0.0), ValueError);
  CHECK_THROWS_AS(full({Dim(scalar("s")), 2}, 0.0), TypeError);  // a float dim
}

TEST_CASE("broadcast: broadcast_like and sum_like with unknown dims") {
  Var a = vector("a", DType::Float64), m = matrix("m", DType::Float64);
  Var b = broadcast_like(a, m);
  Var s = sum_like(m, a);
  Bindings bind{{a, doubles({1, 2, 3}, {3})}, {m, sample({2, 3})}};
  Tensor bv = eval(b, bind);
  CHECK(bv.shape() == Shape({2, 3}));
  CHECK(bv.to_vector() == std::vector<double>{1, 2, 3, 1, 2, 3});
  Tensor mv = bind[m];
  Tensor sv = eval(s, bind);
  CHECK(sv.shape() == Shape({3}));
  for (int j = 0; j < 3; ++j) CHECK(sv.at(j) == doctest::Approx(mv.at(j) + mv.at(3 + j)));
  // Same-shape cases need no node when both shapes are known.
  Var k = input(DType::Float32, {2, 3});
  CHECK(broadcast_like(k, k).same(k));
  CHECK(sum_like(k, k).same(k));
  // Runtime mismatch names both shapes.
  std::string msg = error_of([&] { eval(b, {{a, sample({4})}, {m, sample({2, 3})}}); });
  CHECK(contains(msg, "(4,)"));
  CHECK(contains(msg, "(2,3)"));
}

TEST_CASE("elementwise: a compiled function of broadcasting ops allocates nothing after the first call") {
  Var x = matrix("x"), b = vector("b"), s = scalar("s");
  Var y = sigmoid(x * s + b) + softplus(x) - tanh(x) / (exp(x) + 1.0);
  Var cost = sum(where(x > b, y, -y)) + sum(maximum(x, b) * sqr(b));
  std::vector<Var> g = grad(cost, {x, b});
  Function f = function({x, b, s}, {cost, g[0], g[1]});
  std::vector<Tensor> args = {sample({10, 30}).astype(DType::Float32), sample({30}).astype(DType::Float32),
                              Tensor::scalar<float>(0.5f)};
  f(args);
  uint64_t heap_before = heap_allocations();
  uint64_t buffers_before = Buffer::allocations();
  f(args);
  f(args);
  CHECK(heap_allocations() == heap_before);
  CHECK(Buffer::allocations() == buffers_before);
}
