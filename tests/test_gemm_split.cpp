// split_gemm: which way a product is divided over threads, and that every way
// gives one thread's result (to float rounding) and the same bits when repeated.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "core/function.hpp"
#include "ops/gemm_split.hpp"

using namespace nabla;

namespace {

std::vector<float> values(int64_t n, uint32_t seed) {
  std::vector<float> v(static_cast<size_t>(n));
  uint32_t s = seed * 2654435761u + 7u;
  for (float& x : v) {
    s = s * 1664525u + 1013904223u;
    x = float(double(s >> 8) / double(1 << 24) - 0.5);
  }
  return v;
}

// C = 0.5 C + 2 op(A) op(B) on `threads` threads; A and B stored as op() expects.
std::vector<float> product(int threads, bool ta, bool tb, int64_t M, int64_t N, int64_t K) {
  const int before = num_threads();
  set_num_threads(threads);
  const std::vector<float> A = values(M * K, 1), B = values(K * N, 2);
  std::vector<float> C = values(M * N, 3);
  split_gemm(ta, tb, M, N, K, 2.0f, A.data(), ta ? M : K, B.data(), tb ? K : N, 0.5f, C.data());
  set_num_threads(before);
  return C;
}

}  // namespace

TEST_CASE("split_gemm: a dense layer's three products split the weight matrix by its rows") {
  // W (1000, 640) as network3 stores it (n_out, n_in), mini-batch 10:
  CHECK(gemm_split_axis(false, true, 10, 1000, 640, 2) == GemmSplit::Cols);    // forward x W^T: N = W's rows
  CHECK(gemm_split_axis(false, false, 10, 640, 1000, 2) == GemmSplit::Depth);  // grad input d W: K = W's rows
  CHECK(gemm_split_axis(true, false, 1000, 640, 10, 2) == GemmSplit::Rows);    // update W += d^T x: M = W's rows
  // C as large as the operands (a conv's per-image product): C's larger side.
  CHECK(gemm_split_axis(false, false, 20, 576, 25, 2) == GemmSplit::Cols);
  // Depth would need a partial C as large as the operand it splits: not taken.
  CHECK(gemm_split_axis(false, false, 300, 300, 400, 2) == GemmSplit::Rows);
}

TEST_CASE("split_gemm: rows, columns and depth on 2 threads agree with 1 thread") {
  struct Case { bool ta, tb; int64_t M, N, K; GemmSplit axis; };
  const Case cases[] = {
      {false, true, 10, 1000, 640, GemmSplit::Cols},  {false, false, 10, 640, 1000, GemmSplit::Depth},
      {true, false, 1000, 640, 10, GemmSplit::Rows},  {true, false, 500, 12, 777, GemmSplit::Depth},
      {false, false, 301, 299, 40, GemmSplit::Rows},  {false, false, 9, 3000, 20, GemmSplit::Cols},
  };
  for (const Case& c : cases) {
    CAPTURE(c.M); CAPTURE(c.N); CAPTURE(c.K); CAPTURE(c.ta); CAPTURE(c.tb);
    REQUIRE(gemm_split_axis(c.ta, c.tb, c.M, c.N, c.K, 2) == c.axis);
    const std::vector<float> one = product(1, c.ta, c.tb, c.M, c.N, c.K);
    const std::vector<float> two = product(2, c.ta, c.tb, c.M, c.N, c.K);
    const std::vector<float> again = product(2, c.ta, c.tb, c.M, c.N, c.K);
    double worst = 0;
    for (size_t i = 0; i < one.size(); ++i) worst = std::max(worst, double(std::abs(one[i] - two[i])));
    CHECK(worst <= 1e-4 * std::sqrt(double(c.K)));
    CHECK(std::memcmp(two.data(), again.data(), two.size() * sizeof(float)) == 0);
  }
}
