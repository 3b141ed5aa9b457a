// Gradients at edge points follow docs/gradient_conventions.rst: ties in
// max/min share the gradient evenly, maximum/minimum ties go to the second
// argument (relu'(0) = 0), abs'(0) = 0, sqrt'(0) = +Inf.
#include <doctest/doctest.h>

#include <cmath>
#include <vector>

#include "nabla.hpp"

using namespace nabla;

namespace {
std::vector<float> grad_at(const Var& x, const Var& cost, std::vector<float> at) {
  Function f = function({x}, {grad(cost, x)});
  Tensor g = f({Tensor::from<float>(at, {int64_t(at.size())})})[0];
  return std::vector<float>(g.data<float>(), g.data<float>() + g.size());
}
}  // namespace

TEST_CASE("gradient conventions: max and min ties share the gradient evenly") {
  Var x = vector("x");
  CHECK(grad_at(x, max(x), {1, 3, 3, 3}) == std::vector<float>{0, 1.0f / 3, 1.0f / 3, 1.0f / 3});
  CHECK(grad_at(x, min(x) * 2.0, {1, 1, 3}) == std::vector<float>{1, 1, 0});
  CHECK(grad_at(x, max(x), {1, 2, 3}) == std::vector<float>{0, 0, 1});
  Var m = matrix("m");
  Function f = function({m}, {grad(sum(max(m, Axes(1))), m)});
  Tensor g = f({Tensor::from<float>({2, 2, 0, 5, 1, 4}, {2, 3})})[0];
  CHECK(std::vector<float>(g.data<float>(), g.data<float>() + 6) == std::vector<float>{0.5f, 0.5f, 0, 1, 0, 0});
}

TEST_CASE("gradient conventions: maximum/minimum ties go to the second argument; relu'(0) = 0") {
  Var x = vector("x"), y = vector("y");
  Function f = function({x, y}, grad(sum(maximum(x, y)) + sum(minimum(x, y)) * 10.0, {x, y}));
  const auto& g = f({Tensor::from<float>({1, 2}, {2}), Tensor::from<float>({1, 3}, {2})});
  CHECK(g[0].data<float>()[0] == 0.0f);   // the tie: none to x
  CHECK(g[1].data<float>()[0] == 11.0f);  // all of both to y
  CHECK(grad_at(x, sum(relu(x)), {0, 1, -1}) == std::vector<float>{0, 1, 0});
}

TEST_CASE("gradient conventions: abs'(0) = 0 and sqrt'(0) = +Inf") {
  Var x = vector("x");
  CHECK(grad_at(x, sum(abs(x)), {0, -2, 2}) == std::vector<float>{0, -1, 1});
  const std::vector<float> g = grad_at(x, sum(sqrt(x)), {0, 4});
  CHECK(std::isinf(g[0]));
  CHECK(g[0] > 0);
  CHECK(g[1] == doctest::Approx(0.25));
}
