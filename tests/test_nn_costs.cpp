// nn/costs: each cost's value against a hand computation on a tiny batch, its
// gradient against the closed form (or finite differences), and the stable
// forms: cross-entropy of a saturated sigmoid stays finite, value and gradient.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "compile_helpers.hpp"
#include "nabla.hpp"
#include "nn/nn.hpp"

using namespace nabla;

namespace {

using Values = std::vector<double>;

Tensor f64(const Values& v, const Shape& s) { return Tensor::from<double>(v, s); }

double sigmoid_of(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// The cost's value and its gradient w.r.t. `wrt`, compiled once and run on `args`.
struct Evaluated {
  double value;
  Values gradient;
};
Evaluated evaluate(const std::vector<Var>& inputs, const Var& cost, const Var& wrt, const std::vector<Tensor>& args) {
  Function f = function(inputs, {cost, grad(cost, wrt)});
  const auto& out = f(args);
  return {out[0].item(), out[1].to_vector()};
}

// Central differences of the compiled cost w.r.t. argument `k`.
Values finite_difference(const std::vector<Var>& inputs, const Var& cost, std::vector<Tensor> args, size_t k) {
  Function f = function(inputs, {cost});
  Values g(size_t(args[k].size()));
  const double h = 1e-6;
  for (int64_t i = 0; i < args[k].size(); ++i) {
    const double x0 = args[k].at(i);
    args[k].set(i, x0 + h);
    const double up = f(args)[0].item();
    args[k].set(i, x0 - h);
    const double down = f(args)[0].item();
    args[k].set(i, x0);
    g[size_t(i)] = (up - down) / (2 * h);
  }
  return g;
}

void check_close(const Values& got, const Values& want, double tol = 1e-7) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == doctest::Approx(want[i]).epsilon(tol).scale(1.0));
}

// Two examples, three outputs.
const Values kA = {0.2, 0.7, 0.9, 0.6, 0.1, 0.4};
const Values kY = {0, 1, 0, 1, 0, 0};
const Values kZ = {-1.5, 0.3, 2.0, 0.8, -0.2, -3.0};

}  // namespace

TEST_CASE("nn costs: quadratic cost is mean over rows of 0.5 |a - y|^2, gradient (a - y) / m") {
  Var a = matrix("a", DType::Float64), y = matrix("y", DType::Float64);
  Var cost = nn::quadratic_cost(a, y);
  double want = 0;
  for (size_t i = 0; i < kA.size(); ++i) want += 0.5 * (kA[i] - kY[i]) * (kA[i] - kY[i]);
  want /= 2;  // two examples
  Evaluated e = evaluate({a, y}, cost, a, {f64(kA, {2, 3}), f64(kY, {2, 3})});
  CHECK(e.value == doctest::Approx(want));
  Values closed;
  for (size_t i = 0; i < kA.size(); ++i) closed.push_back((kA[i] - kY[i]) / 2);
  check_close(e.gradient, closed);
}

TEST_CASE("nn costs: cross-entropy of plain activations matches the formula and finite differences") {
  Var a = matrix("a", DType::Float64), y = matrix("y", DType::Float64);
  Var cost = nn::cross_entropy_cost(a, y);
  double want = 0;
  for (size_t i = 0; i < kA.size(); ++i) want -= kY[i] * std::log(kA[i]) + (1 - kY[i]) * std::log(1 - kA[i]);
  want /= 2;
  std::vector<Tensor> args = {f64(kA, {2, 3}), f64(kY, {2, 3})};
  Evaluated e = evaluate({a, y}, cost, a, args);
  CHECK(e.value == doctest::Approx(want));
  Values closed;  // d/da of -(y ln a + (1-y) ln(1-a)), over m = 2
  for (size_t i = 0; i < kA.size(); ++i) closed.push_back((kA[i] - kY[i]) / (kA[i] * (1 - kA[i])) / 2);
  check_close(e.gradient, closed);
  check_close(e.gradient, finite_difference({a, y}, cost, args, 0), 1e-5);
}

TEST_CASE("nn costs: cross-entropy of sigmoid(z) has gradient (sigmoid(z) - y) / m w.r.t. z (network2's delta)") {
  Var z = matrix("z", DType::Float64), y = matrix("y", DType::Float64);
  Var cost = nn::cross_entropy_cost(sigmoid(z), y);
  double want = 0;
  Values closed;
  for (size_t i = 0; i < kZ.size(); ++i) {
    const double s = sigmoid_of(kZ[i]);
    want -= kY[i] * std::log(s) + (1 - kY[i]) * std::log(1 - s);
    closed.push_back((s - kY[i]) / 2);
  }
  want /= 2;
  Evaluated e = evaluate({z, y}, cost, z, {f64(kZ, {2, 3}), f64(kY, {2, 3})});
  CHECK(e.value == doctest::Approx(want));
  check_close(e.gradient, closed);
}

TEST_CASE("nn costs: cross-entropy stays finite when the sigmoid saturates (z = +-100), in float32 too") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    CAPTURE(dtype_name(dt));
    Var z = matrix("z", dt), y = matrix("y", dt);
    Var cost = nn::cross_entropy_cost(sigmoid(z), y);
    // Wrong and right answers at full saturation: the wrong ones cost |z| each.
    Tensor zv = Tensor::from<double>({100, -100, 100, -100}, {2, 2}).astype(dt);
    Tensor yv = Tensor::from<double>({0, 1, 1, 0}, {2, 2}).astype(dt);
    Evaluated e = evaluate({z, y}, cost, z, {zv, yv});
    CHECK(std::isfinite(e.value));
    CHECK(e.value == doctest::Approx(100.0).epsilon(1e-5));  // (100 + 100 + 0 + 0) / 2
    check_close(e.gradient, {0.5, -0.5, 0.0, 0.0}, 1e-6);
  }
}

TEST_CASE("nn costs: log(1 - sigmoid(x)) written by hand compiles to -softplus(x)") {
  Var z = matrix("z"), y = matrix("y");
  Var a = sigmoid(z);
  // network2's formula spelled out; the stabilize pass rewrites both logs.
  Var naive = -sum(y * log(a) + (1.0 - y) * log(1.0 - a)) / 2.0;
  Function f = function({z, y}, {naive, log1p(-a)});
  Tensor zv = Tensor::from<float>({100, -100, 100, -100}, {2, 2});
  Tensor yv = Tensor::from<float>({0, 1, 1, 0}, {2, 2});
  const auto& out = f({zv, yv});
  CHECK(rewrite_count(f, "log_one_minus_sigmoid") >= 2);
  CHECK(out[0].item() == doctest::Approx(100.0).epsilon(1e-5));
  const Values second = out[1].to_vector();  // log(1 - sigmoid(z)) = -softplus(z)
  CHECK(second[0] == doctest::Approx(-100.0));
  CHECK(second[1] == doctest::Approx(0.0).scale(1.0));
  for (double v : second) CHECK(std::isfinite(v));

  // ones_like(a) - a is the same 1 - a; 2 - sigmoid(z) is not, and stays as written.
  Function ones = function({z}, {log(ones_like(a) - a)});
  CHECK(rewrite_count(ones, "log_one_minus_sigmoid") == 1);
  CHECK(ones({zv})[0].at(0) == doctest::Approx(-100.0));
  Function two = function({z}, {log(2.0 - a)});
  CHECK(rewrite_count(two, "log_one_minus_sigmoid") == 0);
  CHECK(two({zv})[0].at(0) == doctest::Approx(0.0).scale(1.0));
}

TEST_CASE("nn costs: log-likelihood of a softmax is -mean ln a[label], gradient (softmax - onehot) / m") {
  Var z = matrix("z", DType::Float64);
  Var labels = ivector("labels");
  Var cost = nn::log_likelihood_cost(softmax(z), labels);
  const std::vector<int32_t> lab = {1, 2};
  double want = 0;
  Values closed;
  for (int r = 0; r < 2; ++r) {
    double total = 0;
    for (int k = 0; k < 3; ++k) total += std::exp(kZ[size_t(r * 3 + k)]);
    for (int k = 0; k < 3; ++k) {
      const double p = std::exp(kZ[size_t(r * 3 + k)]) / total;
      if (k == lab[size_t(r)]) want -= std::log(p) / 2;
      closed.push_back((p - (k == lab[size_t(r)] ? 1.0 : 0.0)) / 2);
    }
  }
  Evaluated e = evaluate({z, labels}, cost, z, {f64(kZ, {2, 3}), Tensor::from<int32_t>(lab, {2})});
  CHECK(e.value == doctest::Approx(want));
  check_close(e.gradient, closed);
  // A huge logit on a wrong class: finite cost and gradient.
  Evaluated big = evaluate({z, labels}, cost, z, {f64({1000, 0, 0, 0, 0, -1000}, {2, 3}), Tensor::from<int32_t>(lab, {2})});
  CHECK(big.value == doctest::Approx((1000.0 + 1000.0 + std::log(2.0)) / 2).epsilon(1e-9));
  for (double g : big.gradient) CHECK(std::isfinite(g));
}

TEST_CASE("nn costs: L2 and L1 penalties and their gradients") {
  Var w1 = matrix("w1", DType::Float64), w2 = vector("w2", DType::Float64);
  const Values v1 = {0.5, -2.0, 0.0, 1.5}, v2 = {-0.25, 3.0};
  std::vector<Tensor> args = {f64(v1, {2, 2}), f64(v2, {2})};
  Evaluated l2 = evaluate({w1, w2}, nn::l2_norm_squared({w1, w2}), w1, args);
  CHECK(l2.value == doctest::Approx(0.25 + 4 + 0 + 2.25 + 0.0625 + 9));
  check_close(l2.gradient, {1.0, -4.0, 0.0, 3.0});
  Evaluated l1 = evaluate({w1, w2}, nn::l1_norm({w1, w2}), w1, args);
  CHECK(l1.value == doctest::Approx(0.5 + 2 + 0 + 1.5 + 0.25 + 3));
  check_close(l1.gradient, {1.0, -1.0, 0.0, 1.0});  // sgn(0) = 0, as the book's L1 rule
  Function none = function({}, {nn::l2_norm_squared({}), nn::l1_norm({})});
  CHECK(none()[0].item() == 0.0);
  CHECK(none()[1].item() == 0.0);
}

TEST_CASE("nn costs: names, dispatch and errors") {
  for (nn::Cost c : {nn::Cost::Quadratic, nn::Cost::CrossEntropy, nn::Cost::LogLikelihood})
    CHECK(nn::cost_from_name(nn::cost_class_name(c)) == c);
  CHECK(nn::cost_from_name("cross-entropy") == nn::Cost::CrossEntropy);
  CHECK(nn::cost_from_name("log_likelihood") == nn::Cost::LogLikelihood);
  CHECK_THROWS_WITH_AS(nn::cost_from_name("HingeCost"), doctest::Contains("HingeCost"), ValueError);

  Var a = matrix("a"), y = matrix("y");
  Var by_kind = nn::cost_expr(nn::Cost::Quadratic, a, y);
  Function f = function({a, y}, {by_kind, nn::quadratic_cost(a, y)});
  const auto& out = f({Tensor::from<float>({1, 2}, {1, 2}), Tensor::from<float>({0, 0}, {1, 2})});
  CHECK(out[0].item() == doctest::Approx(2.5));
  CHECK(out[1].item() == doctest::Approx(2.5));

  Var three = input(DType::Float32, Shape{-1, 3}, "three"), four = input(DType::Float32, Shape{-1, 4}, "four");
  CHECK_THROWS_WITH_AS(nn::quadratic_cost(three, four), doctest::Contains("differ in shape"), ShapeError);
  CHECK_THROWS_AS(nn::cross_entropy_cost(vector("v"), vector("w")), ShapeError);
  CHECK_THROWS_AS(nn::log_likelihood_cost(a, vector("not_labels")), ShapeError);
  CHECK_THROWS_AS(nn::quadratic_cost(a, matrix("y64", DType::Float64)), TypeError);
}
