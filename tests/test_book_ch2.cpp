// Chapter 2 (experiment 2.1) in float64 on a small MNIST-free net: nabla's grad of
// the mini-batch mean cost, the backprop equations BP1-BP4 written out per
// example (examples/book/backprop_equations.hpp) and central finite differences
// agree to a relative difference below 1e-6, for both of network2's costs.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "../examples/book/backprop_equations.hpp"

using namespace nabla;
namespace bp = book::backprop;

namespace {

// sizes[0] inputs, one-hot targets; weights N(0,1) so the sigmoids are not all near 0.5.
struct SmallProblem {
  std::vector<int64_t> sizes{6, 5, 4, 3};
  int64_t m = 4;
  std::vector<Tensor> args;  // X, Y, then W^1, b^1, W^2, b^2, ...

  explicit SmallProblem(uint64_t seed) {
    nn::Rng rng(seed);
    args.push_back(nn::normal({m, sizes[0]}, 0.5, 0.5, rng, DType::Float64));
    Tensor y = Tensor::zeros(DType::Float64, {m, sizes.back()});
    for (int64_t i = 0; i < m; ++i) y.set(i * sizes.back() + i % sizes.back(), 1.0);
    args.push_back(y);
    for (size_t l = 1; l < sizes.size(); ++l) {
      args.push_back(nn::normal({sizes[l], sizes[l - 1]}, 0.0, 1.0, rng, DType::Float64));
      args.push_back(nn::normal({sizes[l]}, 0.0, 1.0, rng, DType::Float64));
    }
  }
};

struct Differences {
  double vs_equations = 0, vs_fd = 0;  // largest over the parameter tensors
  double smallest_gradient = 1e300;    // smallest max|dC/dp| over the tensors: the check is not vacuous
};

Differences compare(nn::Cost cost, uint64_t seed) {
  SmallProblem p(seed);
  Var X = matrix("X", DType::Float64), Y = matrix("Y", DType::Float64);
  std::vector<Var> W, b, inputs{X, Y}, params;
  for (size_t l = 1; l < p.sizes.size(); ++l) {
    W.push_back(matrix("W" + std::to_string(l), DType::Float64));
    b.push_back(vector("b" + std::to_string(l), DType::Float64));
    params.push_back(W.back());
    params.push_back(b.back());
  }
  inputs.insert(inputs.end(), params.begin(), params.end());

  Var C = bp::mean_cost(W, b, X, Y, cost);
  std::vector<Var> by_grad = grad(C, params);
  bp::Gradients eq = bp::mean_over_rows(W, b, X, Y, p.m, cost);
  std::vector<Var> by_equations;
  for (size_t l = 0; l < W.size(); ++l) {
    by_equations.push_back(eq.w[l]);
    by_equations.push_back(eq.b[l]);
  }
  std::vector<Var> outputs = by_grad;
  outputs.insert(outputs.end(), by_equations.begin(), by_equations.end());
  Function both = function(inputs, outputs);
  Function cost_fn = function(inputs, {C});

  std::vector<Tensor> got;
  for (const Tensor& t : both(p.args)) got.push_back(t.copy());
  Differences d;
  for (size_t k = 0; k < params.size(); ++k) {
    d.vs_equations = std::max(d.vs_equations, bp::relative_difference(got[k], got[params.size() + k]));
    d.vs_fd = std::max(d.vs_fd, bp::relative_difference(got[k], bp::finite_differences(cost_fn, p.args, 2 + k)));
    double largest = 0;
    for (int64_t i = 0; i < got[k].size(); ++i) largest = std::max(largest, std::abs(got[k].at(i)));
    d.smallest_gradient = std::min(d.smallest_gradient, largest);
  }
  return d;
}

}  // namespace

TEST_CASE("book 2.1: grad matches BP1-BP4 and finite differences, quadratic cost (float64)") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    Differences d = compare(nn::Cost::Quadratic, seed);
    CHECK(d.vs_equations < 1e-12);  // the same arithmetic in another order
    CHECK(d.vs_fd < 1e-6);
    CHECK(d.smallest_gradient > 1e-4);
  }
}

TEST_CASE("book 2.1: grad matches BP1-BP4 and finite differences, cross-entropy cost (float64)") {
  for (uint64_t seed : {1u, 2u, 3u}) {
    Differences d = compare(nn::Cost::CrossEntropy, seed);
    CHECK(d.vs_equations < 1e-12);
    CHECK(d.vs_fd < 1e-6);
    CHECK(d.smallest_gradient > 1e-4);
  }
}
