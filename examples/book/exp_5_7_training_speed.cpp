// 5.7 — the speed of learning during training (figures F5.2-F5.4): ||delta^l|| for
// each hidden layer, recorded before each of 500 epochs of batch gradient descent
// on the first 1,000 training images (one step per epoch over all 1,000, eta 0.1,
// lambda 5.0, as generate_gradient.py), for 2, 3 and 4 hidden layers.
// Book: the speeds drop quickly, then rebound; the first hidden layer is always
// slowest; with 4 hidden layers it learns "roughly 100 times slower" than the last
// (repo data: 95.8x at epoch 0, 112.6x at epoch 499).
#include <algorithm>
#include <cstdio>

#include "network2_run.hpp"
#include "speed_of_learning.hpp"

namespace book {
namespace {

Report run(const Context& ctx) {
  const int epochs = ctx.epochs > 0 ? ctx.epochs : 500;
  const double eta = 0.1, lmbda = 5.0;
  Report rep;
  rep.settings = json{{"images", 1000}, {"epochs", epochs}, {"eta", eta}, {"lmbda", lmbda}, {"mini_batch", 1000},
                      {"init", "default"}, {"cost", "cross-entropy"}};
  std::string summary;
  for (int k : {2, 3, 4}) {
    SpeedOfLearning net(hidden_layers(k), ctx.seed, mnist(ctx).training, 1000);
    std::vector<std::vector<double>> curves(static_cast<size_t>(k));  // curves[l][epoch]
    std::vector<double> ratio;  // last hidden layer over the first, per epoch
    for (int e = 0; e < epochs; ++e) {
      std::vector<double> n = net.step(eta, lmbda);
      for (int l = 0; l < k; ++l) curves[size_t(l)].push_back(n[size_t(l)]);
      ratio.push_back(n.back() / n.front());
    }
    std::vector<double> sorted = ratio;
    std::sort(sorted.begin(), sorted.end());
    rep.extra["norms"][std::to_string(k)] = curves;
    rep.extra["ratio_last_to_first"][std::to_string(k)] = ratio;
    char part[200];
    std::snprintf(part, sizeof part, "%d hidden: last/first %.1fx at epoch 0, %.1fx at epoch %d (min %.1fx, median %.1fx)",
                  k, ratio.front(), ratio.back(), epochs - 1, sorted.front(), sorted[sorted.size() / 2]);
    if (!ctx.quiet) {
      std::printf("%s\n   ||delta^l|| at epoch 0:", part);
      for (int l = 0; l < k; ++l) std::printf(" %.4f", curves[size_t(l)].front());
      std::printf("; at epoch %d:", epochs - 1);
      for (int l = 0; l < k; ++l) std::printf(" %.4f", curves[size_t(l)].back());
      std::printf("\n");
    }
    summary += (summary.empty() ? "" : "; ") + std::string(part);
  }
  rep.summary = summary + "; book (4 hidden): ~100x (95.8x at epoch 0, 112.6x at 499)";
  return rep;
}

const bool registered = register_experiment(
    {"5.7", "vanishing gradients: ||delta^l|| over 500 epochs, batch GD",
     "first hidden layer always slowest; with 4 hidden layers ~100x slower than the last",
     "2, 3, 4 hidden layers of 30, first 1,000 training images, whole batch per step, 500 epochs, eta 0.1, lambda 5.0",
     run});

}  // namespace
}  // namespace book
