// 4.4's trained comparison: instead of designing the weights, let gradient descent
// find them. A [1, hidden, 1] sigmoid network, network2's default init, the
// quadratic cost over sample points of the goal function, full-batch steps with
// the book's momentum (v <- mu v - eta g; p <- p + v; mu = 0 is plain descent).
#include <cmath>
#include <cstdio>

#include "universality.hpp"

namespace book::universality {

using namespace nabla;

json fit_goal(int hidden, int epochs, double eta, double momentum, int points, uint64_t seed, bool quiet) {
  nn::Rng rng(seed);
  const int64_t H = hidden;
  std::vector<Var> params{shared(nn::normal({H, 1}, 0, 1, rng, DType::Float64), "W1"),
                          shared(nn::normal({H}, 0, 1, rng, DType::Float64), "b1"),
                          shared(nn::normal({1, H}, 0, 1 / std::sqrt(double(H)), rng, DType::Float64), "W2"),
                          shared(nn::normal({1}, 0, 1, rng, DType::Float64), "b2")};
  std::vector<double> xs = grid(points), fs;
  for (double x : xs) fs.push_back(goal(x));
  Var x = constant(Tensor::from<double>(xs, {int64_t(points), 1}), "x");
  Var y = constant(Tensor::from<double>(fs, {int64_t(points), 1}), "f(x)");

  Var hidden_a = sigmoid(matmul(x, params[0], false, true) + params[1]);
  Var out = sigmoid(matmul(hidden_a, params[2], false, true) + params[3]);
  Var cost = nn::quadratic_cost(out, y);
  std::vector<Var> g = grad(cost, params);
  Updates updates;
  for (size_t k = 0; k < params.size(); ++k) {
    Var v = shared(Tensor::zeros(DType::Float64, params[k].value_ref().shape()), "v");
    Var v_new = momentum * v - eta * g[k];
    updates.push_back({v, v_new});
    updates.push_back({params[k], params[k] + v_new});
  }
  Function step = function({}, {cost}, updates);
  Function predict = function({}, {out});

  std::vector<double> cost_curve;
  for (int e = 0; e < epochs; ++e) {
    const double c = step()[0].item();
    if (e % 100 == 0 || e == epochs - 1) cost_curve.push_back(c);
    if (!quiet && (e + 1) % (epochs / 5) == 0) std::printf("  fit: epoch %d, cost %.6f\n", e + 1, c);
  }
  std::vector<double> fitted = predict()[0].to_vector();
  Deviation d = deviation(fitted, fs);
  return json{{"hidden", hidden}, {"epochs", epochs}, {"eta", eta}, {"momentum", momentum}, {"points", points},
              {"mean_deviation", d.mean}, {"max_deviation", d.max}, {"cost_every_100_epochs", cost_curve},
              {"x", xs}, {"output", fitted}};
}

}  // namespace book::universality
