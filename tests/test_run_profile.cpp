// The run-time profile (Function::enable_profile, NABLA_PROFILE=1): every step
// timed, summed per op, and nothing counted while it is off.
#include <doctest/doctest.h>

#include <string>

#include "nabla.hpp"

using namespace nabla;

namespace {
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("profile: counts only the calls made while enabled, per op, with the line that built each step") {
  Var x = input(DType::Float32, Shape{200, 300}, "x");
  Var w = input(DType::Float32, Shape{300, 100}, "w");
  Function f = function({x, w}, {sum(tanh(dot(x, w)))});
  const Tensor xv = Tensor::full(DType::Float32, {200, 300}, 0.01), wv = Tensor::full(DType::Float32, {300, 100}, 0.02);
  f({xv, wv});  // not profiled
  CHECK(contains(f.profile_text(), "0 calls"));
  f.enable_profile();
  for (int i = 0; i < 3; ++i) f({xv, wv});
  const std::string on = f.profile_text();
  CHECK(contains(on, "3 calls"));
  CHECK(contains(on, "matmul"));
  CHECK(contains(on, "test_run_profile.cpp"));  // where the slowest steps were written
  f.enable_profile(false);
  f({xv, wv});
  CHECK(contains(f.profile_text(), "3 calls"));
}
