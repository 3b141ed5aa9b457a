// 5.8, 5.9 — the unstable gradient on a chain of single sigmoid neurons
// x -> a1 -> a2 -> a3 -> a4 (three hidden neurons and the output), where
// dC/db1 = sigma'(z1) w2 sigma'(z2) w3 sigma'(z3) w4 sigma'(z4) dC/da4 (eq. 122), so
// each step back multiplies by w_{j+1} sigma'(z_j). The four dC/db_j come from
// nabla's grad of the chain's quadratic cost (target 0).
// 5.8: weights and biases N(0,1): |w sigma'(z)| < 1/4 usually, so dC/db1 is "a factor
//      of 16 (or more)" smaller than dC/db3. Measured over 10,000 random chains.
// 5.9: all w_j = 100 and biases with every z_j = 0 (b1 = -100 a0, ...): each factor is
//      100 * 1/4 = 25, the gradient explodes backwards.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "experiment.hpp"

namespace book {
namespace {

using namespace nabla;

// The chain as a compiled function of (x, w1..w4, b1..b4) returning dC/db1..dC/db4.
struct Chain {
  Var x = scalar("x", DType::Float64);
  std::vector<Var> w, b;
  Function gradients;
  Chain() {
    Var a = x;
    for (int j = 1; j <= 4; ++j) {
      w.push_back(scalar("w" + std::to_string(j), DType::Float64));
      b.push_back(scalar("b" + std::to_string(j), DType::Float64));
      a = sigmoid(w.back() * a + b.back());
    }
    Var cost = 0.5 * sqr(a);  // quadratic cost against y = 0
    std::vector<Var> inputs{x};
    inputs.insert(inputs.end(), w.begin(), w.end());
    inputs.insert(inputs.end(), b.begin(), b.end());
    gradients = function(inputs, grad(cost, b));
  }
  // dC/db_j for the given input, weights and biases.
  std::vector<double> operator()(double x0, const std::vector<double>& ws, const std::vector<double>& bs) {
    std::vector<Tensor> args{Tensor::scalar(x0)};
    for (double v : ws) args.push_back(Tensor::scalar(v));
    for (double v : bs) args.push_back(Tensor::scalar(v));
    std::vector<double> g;
    for (const Tensor& t : gradients(args)) g.push_back(t.item());
    return g;
  }
};

Report exploding(const Context&) {  // 5.9
  const double a0 = 0.5;
  std::vector<double> w(4, 100.0), b;
  double a = a0;
  for (int j = 0; j < 4; ++j) {
    b.push_back(-100.0 * a);  // z_j = w_j a_{j-1} + b_j = 0
    a = 0.5;                  // sigma(0)
  }
  std::vector<double> g = Chain()(a0, w, b);
  Report rep;
  std::vector<double> factors;
  for (int j = 0; j < 3; ++j) factors.push_back(g[size_t(j)] / g[size_t(j + 1)]);
  rep.extra = json{{"dC_db", g}, {"factors", factors}, {"w", w}, {"b", b}, {"x", a0}};
  char line[240];
  std::snprintf(line, sizeof line, "dC/db1..4 = %.4g, %.4g, %.4g, %.4g: factors dC/db_j / dC/db_{j+1} = %.3f, %.3f, %.3f "
                "(book: 25 each)", g[0], g[1], g[2], g[3], factors[0], factors[1], factors[2]);
  rep.summary = line;
  return rep;
}

Report vanishing(const Context& ctx) {  // 5.8
  Chain chain;
  nn::Rng rng(ctx.seed);
  const int draws = 10000;
  std::vector<double> ratio_1_3, per_step;
  for (int d = 0; d < draws; ++d) {
    std::vector<double> w, b;
    for (int j = 0; j < 4; ++j) w.push_back(rng.normal()), b.push_back(rng.normal());
    std::vector<double> g = chain(rng.uniform(), w, b);
    ratio_1_3.push_back(std::abs(g[2] / g[0]));
    for (int j = 0; j < 3; ++j) per_step.push_back(std::abs(g[size_t(j)] / g[size_t(j + 1)]));
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double at_least_16 = double(std::count_if(ratio_1_3.begin(), ratio_1_3.end(), [](double r) { return r >= 16; })) / draws;
  const double below_quarter = double(std::count_if(per_step.begin(), per_step.end(), [](double f) { return f < 0.25; })) /
                               double(per_step.size());
  Report rep;
  rep.extra = json{{"draws", draws}, {"median_db3_over_db1", median(ratio_1_3)}, {"fraction_db3_over_db1_at_least_16", at_least_16},
                   {"median_step_factor", median(per_step)}, {"fraction_step_factor_below_quarter", below_quarter}};
  char line[300];
  std::snprintf(line, sizeof line, "%d chains with N(0,1) weights and biases: |w sigma'(z)| < 1/4 in %.1f%% of steps (median "
                "%.3f); |dC/db3| / |dC/db1| median %.1f, >= 16 in %.1f%%; book: usually < 1/4, a factor of 16 or more",
                draws, 100 * below_quarter, median(per_step), median(ratio_1_3), 100 * at_least_16);
  rep.summary = line;
  return rep;
}

const bool r8 = register_experiment({"5.8", "unstable gradients: single-neuron chain, N(0,1) weights",
                                     "|w sigma'(z)| < 1/4 usually; dC/db1 a factor 16 or more below dC/db3",
                                     "4 single-neuron layers, 10,000 random draws of w, b ~ N(0,1), x ~ U(0,1)",
                                     vanishing});
const bool r9 = register_experiment({"5.9", "unstable gradients: exploding chain (w = 100, z = 0)",
                                     "each factor w_j sigma'(z_j) = 100 * 1/4 = 25",
                                     "4 single-neuron layers, w_j = 100, b_j = -100 a_{j-1}, x = 0.5", exploding});

}  // namespace
}  // namespace book
