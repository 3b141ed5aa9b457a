// sum_like's block sums (bias gradients) on several threads: each output sums its
// elements in memory order whatever the thread count, so 1 and 2 threads agree
// bit for bit, and both match a sum in double.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "nabla.hpp"

using namespace nabla;

namespace {

Tensor ramp(const Shape& shape) {
  Tensor t(DType::Float32, shape);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = float(std::sin(0.37 * double(i)));
  return t;
}

Tensor summed(const Shape& g_shape, const Shape& ref_shape, int threads) {
  const int before = num_threads();
  set_num_threads(threads);
  Var g = input(DType::Float32, g_shape, "g");
  Var ref = input(DType::Float32, ref_shape, "ref");
  Function f = function({g, ref}, {sum_like(g, ref)});
  Tensor out = f({ramp(g_shape), Tensor::zeros(DType::Float32, ref_shape)})[0].copy();
  set_num_threads(before);
  return out;
}

}  // namespace

TEST_CASE("sum_like: a conv-sized bias gradient is the same bits on 1 and 2 threads") {
  const Shape g{10, 20, 48, 48}, ref{1, 20, 1, 1};
  const Tensor one = summed(g, ref, 1), two = summed(g, ref, 2);
  REQUIRE(one.shape() == ref);
  CHECK(std::memcmp(one.raw(), two.raw(), one.nbytes()) == 0);
  const Tensor x = ramp(g);
  for (int64_t k = 0; k < 20; ++k) {
    double want = 0;
    for (int64_t n = 0; n < 10; ++n)
      for (int64_t p = 0; p < 2304; ++p) want += x.data<float>()[(n * 20 + k) * 2304 + p];
    CHECK(std::abs(one.data<float>()[k] - want) <= 1e-3);
  }
}

TEST_CASE("sum_like: a dense bias gradient (rows summed) is the same bits on 1 and 2 threads") {
  const Shape g{400, 1000}, ref{1000};
  const Tensor one = summed(g, ref, 1), two = summed(g, ref, 2);
  CHECK(std::memcmp(one.raw(), two.raw(), one.nbytes()) == 0);
  const Tensor x = ramp(g);
  double want = 0;
  for (int64_t n = 0; n < 400; ++n) want += x.data<float>()[n * 1000 + 7];
  CHECK(std::abs(one.data<float>()[7] - want) <= 1e-3);
}
