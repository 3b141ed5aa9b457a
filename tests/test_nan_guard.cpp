// NanGuard names where a NaN/Inf first appears: the input or shared variable
// it arrived through, else the op producing it, with the first bad element,
// its inputs' ranges, and for gradient nodes the forward expression.
#include <doctest/doctest.h>

#include <string>

#include "nabla.hpp"

using namespace nabla;

namespace {
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

template <class F>
std::string guard_message(F&& call) {
  try {
    call();
  } catch (const ValueError& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST_CASE("NanGuard: the op producing NaN, its first bad element and its inputs' ranges") {
  Var x = vector("x");
  Function f = function({x}, {log(x) * 2.0}, {}, {}, Mode::NanGuard);
  const std::string m = guard_message([&] { f({Tensor::from<float>({1, 2, -1, 3, -5}, {5})}); });
  CHECK(has(m, "log"));
  CHECK(has(m, "NaN first at index [2]"));
  CHECK(has(m, "(value nan; 2 NaN and 0 Inf of 5 values)"));
  CHECK(has(m, "input 0: float32(5,) in [-5, 3], 0 NaN, 0 Inf"));
  CHECK(has(m, "test_nan_guard.cpp:"));
}

TEST_CASE("NanGuard: a NaN arriving through a shared variable or an argument is blamed on it") {
  Var x = matrix("x");
  Tensor w = Tensor::full(DType::Float32, {3, 2}, 0.5);
  w.data<float>()[3] = std::nanf("");
  Var W = shared(w, "W");
  Function f = function({x}, {sum(dot(x, W))}, {}, {}, Mode::NanGuard);
  const std::string m = guard_message([&] { f({Tensor::full(DType::Float32, {2, 3}, 1.0)}); });
  CHECK(has(m, "shared variable 'W'"));
  CHECK(has(m, "index [1, 1]"));
  CHECK_FALSE(has(m, "matmul"));  // not the first consumer

  Var y = vector("y");
  Function g = function({y}, {exp(y)}, {}, {}, Mode::NanGuard);
  const std::string m2 = guard_message([&] { g({Tensor::from<float>({0, INFINITY}, {2})}); });
  CHECK(has(m2, "function argument 0 'y'"));
  CHECK(has(m2, "Inf first at index [1]"));
  CHECK_FALSE(has(m2, "exp"));
}

TEST_CASE("NanGuard: a gradient node names the forward expression it differentiates") {
  Var x = vector("x");
  Var r = sqrt(x);  // finite at 0, but its gradient 0.5 / sqrt(x) is Inf there
  const int line = __LINE__ - 1;
  Function f = function({x}, {grad(sum(r), x)}, {}, {}, Mode::NanGuard);
  const std::string m = guard_message([&] { f({Tensor::from<float>({4, 0}, {2})}); });
  CHECK(has(m, "in the gradient of sqrt (created at "));
  CHECK(has(m, "test_nan_guard.cpp:" + std::to_string(line) + ")"));
  CHECK(has(m, "Inf first at index [1]"));
}
