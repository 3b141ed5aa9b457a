// 4.4 — the goal function f(x) = 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x) computed
// by a designed network: N bump pairs whose hidden layer's weighted output
// approximates sigma^-1 o f, so the network's output sigma(sum_j w_j a_j + 0)
// approximates f. The book's conversion: input weights w = 1000, hidden biases
// b = -w s, output weights +h and -h, output bias 0. Each bump's h is the mean of
// sigma^-1 o f over the bump. Then one trained network of the same hidden size as
// N = 10 (20 neurons), fitted by gradient descent, for comparison.
// "Average deviation": the mean |difference| over 1,000 points of [0, 1], given
// both for the output against f and for the weighted output against sigma^-1 o f
// (the book's widget does not say which scale its 0.40 target uses).
#include <cstdio>

#include "universality.hpp"

namespace book {
namespace {

using namespace universality;

Report run(const Context& ctx) {
  const std::vector<double> xs = grid(1000);
  std::vector<double> f, target;
  for (double x : xs) f.push_back(goal(x)), target.push_back(logit_goal(x));
  Report rep;
  json rows = json::array(), shown{{"x", xs}, {"f", f}, {"logit f", target}};
  std::string summary = "average deviation |f - output| (and on the sigma^-1 scale):";
  for (int N : {5, 10, 20, 50}) {
    std::vector<Layer> net = bump_network(logit_goal, N, 1000);
    std::vector<double> weighted = evaluate_1d(net, xs);
    net.back().act = nabla::nn::Activation::Sigmoid;  // the network's real output neuron
    std::vector<double> output = evaluate_1d(net, xs);
    Deviation d = deviation(output, f), dz = deviation(weighted, target);
    rows.push_back({{"N", N}, {"hidden_neurons", 2 * N}, {"mean_deviation", d.mean}, {"max_deviation", d.max},
                    {"mean_deviation_logit", dz.mean}, {"max_deviation_logit", dz.max}});
    if (N == 5 || N == 20) shown["output N=" + std::to_string(N)] = output;
    char part[96];
    std::snprintf(part, sizeof part, " N=%d %.4f (%.3f);", N, d.mean, dz.mean);
    summary += part;
    if (!ctx.quiet) std::printf("N = %2d bump pairs: mean |f - output| %.4f (max %.4f); on the sigma^-1 scale %.4f (max %.4f)\n",
                                N, d.mean, d.max, dz.mean, dz.max);
  }
  // The trained comparison: 20 hidden neurons like N = 10.
  const int epochs = ctx.epochs > 0 ? ctx.epochs : 30000;
  json fit = fit_goal(20, epochs, 2.0, 0.9, 1000, ctx.seed, ctx.quiet);
  char part[200];
  std::snprintf(part, sizeof part, " trained [1,20,1] (%d epochs of full-batch gradient descent, momentum 0.9): %.4f",
                epochs, fit["mean_deviation"].get<double>());
  if (!ctx.quiet) std::printf("%s (max %.4f)\n", part + 1, fit["max_deviation"].get<double>());
  shown["trained [1,20,1]"] = fit["output"];
  rep.settings = json{{"w", 1000}, {"points", 1000}, {"fit_epochs", epochs}, {"fit_eta", 2.0}, {"fit_momentum", 0.9}};
  rep.extra = json{{"bumps", rows}, {"trained", fit}, {"curves", shown}};
  rep.summary = summary + part + "; book: challenge is average deviation <= 0.40 with 5 bumps";
  return rep;
}

const bool registered = register_experiment(
    {"4.4", "universality: goal function from N bumps, and trained",
     "f approximated via sigma^-1 o f; challenge: average deviation <= 0.40; more bumps fit better",
     "N = 5, 10, 20, 50 bump pairs, w = 1000, 1,000 points; trained [1,20,1]: 30,000 full-batch epochs, eta 2, momentum 0.9",
     run});

}  // namespace
}  // namespace book
