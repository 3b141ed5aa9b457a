// matmul (all transpose flags), dot for vector/matrix combinations, softmax, log_softmax.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "op_table.hpp"

using namespace nabla;

namespace {

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

// op(a) @ op(b) with plain loops, op = transpose when the flag is set.
Tensor ref_matmul(const Tensor& a, const Tensor& b, bool ta, bool tb) {
  const int64_t M = ta ? a.shape()[1] : a.shape()[0], K = ta ? a.shape()[0] : a.shape()[1];
  const int64_t N = tb ? b.shape()[0] : b.shape()[1];
  Tensor c = Tensor::zeros(a.dtype(), {M, N});
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0;
      for (int64_t p = 0; p < K; ++p)
        s += a.at(ta ? p * M + i : i * K + p) * b.at(tb ? j * K + p : p * N + j);
      c.set(i * N + j, s);
    }
  return c;
}

// numpy dot for 1-D/2-D operands with plain loops.
Tensor ref_dot(const Tensor& a, const Tensor& b) {
  const bool va = a.rank() == 1, vb = b.rank() == 1;
  const int64_t M = va ? 1 : a.shape()[0], K = b.shape()[0], N = vb ? 1 : b.shape()[1];
  Shape s;
  if (!va) s.push_back(M);
  if (!vb) s.push_back(N);
  Tensor c = Tensor::zeros(a.dtype(), s);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t p = 0; p < K; ++p) acc += a.at(i * K + p) * b.at(p * N + j);
      c.set(i * N + j, acc);
    }
  return c;
}

Tensor ref_softmax(const Tensor& x, bool log) {
  const int64_t n = x.shape()[x.rank() - 1];
  Tensor out(x.dtype(), x.shape());
  for (int64_t r = 0; r < x.size() / n; ++r) {
    double m = x.at(r * n);
    for (int64_t j = 1; j < n; ++j) m = std::max(m, x.at(r * n + j));
    double s = 0;
    for (int64_t j = 0; j < n; ++j) s += std::exp(x.at(r * n + j) - m);
    for (int64_t j = 0; j < n; ++j) {
      double z = x.at(r * n + j) - m;
      out.set(r * n + j, log ? z - std::log(s) : std::exp(z) / s);
    }
  }
  return out;
}

bool add_matmul_row(bool ta, bool tb) {
  const int64_t M = 3, K = 4, N = 2;
  Shape sa = ta ? Shape{K, M} : Shape{M, K};
  Shape sb = tb ? Shape{N, K} : Shape{K, N};
  return add_op_row({"matmul", {sample(sa), sample(sb, -1, 1, 2)},
                     [ta, tb](const std::vector<Var>& v) { return matmul(v[0], v[1], ta, tb); },
                     {0, 1}, 2,
                     [ta, tb](const std::vector<Tensor>& t) { return ref_matmul(t[0], t[1], ta, tb); }});
}

const bool row_matmul_nn = add_matmul_row(false, false);
const bool row_matmul_tn = add_matmul_row(true, false);
const bool row_matmul_nt = add_matmul_row(false, true);
const bool row_matmul_tt = add_matmul_row(true, true);

bool add_dot_row(const Shape& sa, const Shape& sb) {
  return add_op_row({"api:dot", {sample(sa), sample(sb, -1, 1, 2)},
                     [](const std::vector<Var>& v) { return dot(v[0], v[1]); }, {0, 1}, 2,
                     [](const std::vector<Tensor>& t) { return ref_dot(t[0], t[1]); }});
}

const bool row_dot_vv = add_dot_row({4}, {4});
const bool row_dot_mv = add_dot_row({3, 4}, {4});
const bool row_dot_vm = add_dot_row({4}, {4, 2});
const bool row_dot_mm = add_dot_row({3, 4}, {4, 2});

const bool row_softmax = add_op_row({"softmax", {sample({3, 4}, -2, 2)},
                                     [](const std::vector<Var>& v) { return softmax(v[0]); }, {0}, 2,
                                     [](const std::vector<Tensor>& t) { return ref_softmax(t[0], false); }});

const bool row_softmax_1d = add_op_row({"softmax", {sample({5}, -2, 2)},
                                        [](const std::vector<Var>& v) { return softmax(v[0]); }, {0}, 2,
                                        [](const std::vector<Tensor>& t) { return ref_softmax(t[0], false); }});

const bool row_log_softmax = add_op_row({"log_softmax", {sample({2, 3, 4}, -2, 2)},
                                         [](const std::vector<Var>& v) { return log_softmax(v[0]); }, {0},
                                         2, [](const std::vector<Tensor>& t) { return ref_softmax(t[0], true); }});

}  // namespace

TEST_CASE("dot: vector and matrix combinations match a plain loop") {
  struct Case {
    Shape a, b, out;
  };
  for (const Case& c : {Case{{5}, {5}, {}}, Case{{3, 5}, {5}, {3}}, Case{{5}, {5, 2}, {2}},
                        Case{{3, 5}, {5, 2}, {3, 2}}}) {
    for (DType t : {DType::Float32, DType::Float64, DType::Int64, DType::Int32}) {
      INFO("shapes " << c.a.str() << " " << c.b.str() << " dtype " << dtype_name(t));
      Tensor av = sample(c.a, -2, 2, 3), bv = sample(c.b, -2, 2, 4);
      if (!is_float(t)) {  // small integers
        for (int64_t i = 0; i < av.size(); ++i) av.set(i, std::round(av.at(i) * 3));
        for (int64_t i = 0; i < bv.size(); ++i) bv.set(i, std::round(bv.at(i) * 3));
      }
      av = av.astype(t);
      bv = bv.astype(t);
      // Unknown dims at build time: vectors of rank 1, matrices of rank 2.
      Shape ua, ub;
      for (int k = 0; k < c.a.rank(); ++k) ua.push_back(-1);
      for (int k = 0; k < c.b.rank(); ++k) ub.push_back(-1);
      Var a = input(t, ua, "a"), b = input(t, ub, "b");
      Var d = dot(a, b);
      CHECK(d.rank() == c.out.rank());
      CHECK(d.dtype() == t);
      Tensor got = eval(d, {{a, av}, {b, bv}});
      Tensor want = ref_dot(av.astype(DType::Float64), bv.astype(DType::Float64));
      REQUIRE(got.shape() == c.out);
      for (int64_t i = 0; i < got.size(); ++i) CHECK(got.at(i) == doctest::Approx(want.at(i)).epsilon(1e-5));
    }
  }
}

TEST_CASE("dot: mixed dtypes are promoted") {
  Var a = input(DType::Int32, {2, 2}, "a");
  Var b = input(DType::Float64, {2}, "b");
  Var d = dot(a, b);
  CHECK(d.dtype() == DType::Float64);
  Tensor out = eval(d, {{a, ints({1, 2, 3, 4}, {2, 2}, DType::Int32)}, {b, Tensor::from<double>({0.5, 1}, {2})}});
  CHECK(out.values<double>() == std::vector<double>{2.5, 5.5});
}

TEST_CASE("matmul/dot: shape errors name both shapes and the dims that must agree") {
  Var x = input(DType::Float32, {10, 784}, "x");
  Var W = input(DType::Float32, {30, 784}, "W");
  std::string e = error_of([&] { dot(x, W); });
  CHECK(contains(e, "(10,784)"));
  CHECK(contains(e, "(30,784)"));
  CHECK(contains(e, "dim 1 of the first (784)"));
  CHECK(contains(e, "dim 0 of the second (30)"));
  CHECK(contains(e, "test_ops_blas_nnet.cpp"));
  CHECK_NOTHROW(matmul(x, W, false, true));
  e = error_of([&] { matmul(x, W, true, false); });
  CHECK(contains(e, "(10,784)"));
  CHECK(contains(e, "(30,784)"));
  CHECK(contains(e, "dim 0 of the first (10)"));
  e = error_of([&] { dot(input(DType::Float32, {3}), input(DType::Float32, {4, 2})); });
  CHECK(contains(e, "(3,)"));
  CHECK(contains(e, "(4,2)"));
  CHECK_THROWS_AS(dot(tensor3("t"), x), ShapeError);
  CHECK_THROWS_AS(matmul(vector("v"), x), ShapeError);
  // Unknown dims: checked when it runs.
  Var a = matrix("a"), b = matrix("b");
  e = error_of([&] {
    eval(dot(a, b), {{a, Tensor::zeros(DType::Float32, {2, 3})}, {b, Tensor::zeros(DType::Float32, {4, 5})}});
  });
  CHECK(contains(e, "(2,3)"));
  CHECK(contains(e, "(4,5)"));
  CHECK(contains(e, "must equal"));
}

TEST_CASE("matmul: empty inner dimension gives zeros") {
  Var a = matrix("a"), b = matrix("b");
  Tensor out = eval(matmul(a, b), {{a, Tensor::zeros(DType::Float32, {2, 0})},
                                   {b, Tensor::zeros(DType::Float32, {0, 3})}});
  REQUIRE(out.shape() == Shape{2, 3});
  for (int64_t i = 0; i < out.size(); ++i) CHECK(out.at(i) == 0.0);
}

TEST_CASE("softmax: stable for large inputs") {
  for (DType t : {DType::Float32, DType::Float64}) {
    Var x = matrix("x", t);
    Tensor big = Tensor::from<double>({1000, 1001, 1002, -1000, 0, 1000}, {2, 3}).astype(t);
    Tensor small = Tensor::from<double>({0, 1, 2}, {1, 3});
    Tensor sm = eval(softmax(x), {{x, big}});
    Tensor want = ref_softmax(small, false);
    for (int j = 0; j < 3; ++j) {
      CHECK(std::isfinite(sm.at(j)));
      CHECK(sm.at(j) == doctest::Approx(want.at(j)).epsilon(1e-6));
    }
    CHECK(sm.at(5) == doctest::Approx(1.0));
    CHECK(sm.at(3) == 0.0);
    Tensor lsm = eval(log_softmax(x), {{x, big}});
    CHECK(lsm.at(3) == doctest::Approx(-2000.0));
    CHECK(lsm.at(4) == doctest::Approx(-1000.0));
    CHECK(lsm.at(5) == doctest::Approx(0.0));
    CHECK(lsm.at(0) == doctest::Approx(std::log(want.at(0))).epsilon(1e-5));
  }
  // Rows sum to one.
  Var y = matrix("y", DType::Float64);
  Tensor s = eval(sum(softmax(y), 1), {{y, sample({4, 7}, -30, 30)}});
  for (int i = 0; i < 4; ++i) CHECK(s.at(i) == doctest::Approx(1.0));
  // Integer input is promoted to float.
  Var iv = input(DType::Int64, {2}, "iv");
  CHECK(softmax(iv).dtype() == floatX);
  CHECK_THROWS_AS(softmax(scalar("s")), ShapeError);
}
