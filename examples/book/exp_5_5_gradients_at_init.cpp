// 5.5, 5.6 — how fast each hidden layer learns at initialization: delta^l = dC/db^l
// averaged over the first 1,000 training images (as generate_gradient.py), right
// after network2's default init. 5.5 shows the first 6 neurons' bars of
// [784,30,30,10]; 5.6 the lengths ||delta^l|| for 2, 3 and 4 hidden layers.
// Book (one random init each): 0.07, 0.31 / 0.012, 0.060, 0.283 / 0.003, 0.017, 0.070, 0.285.
// 5.6 also reports the spread over ten further seeds.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "network2_run.hpp"
#include "speed_of_learning.hpp"

namespace book {
namespace {

const std::vector<std::vector<double>> kBook{{0.06574, 0.3092}, {0.01184, 0.05997, 0.2831},
                                             {0.002975, 0.01708, 0.06954, 0.2851}};  // the repo's JSON

std::string join(const std::vector<double>& v, const char* fmt) {
  std::string s;
  char buf[32];
  for (double x : v) std::snprintf(buf, sizeof buf, fmt, x), s += (s.empty() ? "" : ", ") + std::string(buf);
  return s;
}

Report bars(const Context& ctx) {  // 5.5
  SpeedOfLearning net(hidden_layers(2), ctx.seed, mnist(ctx).training, 1000);
  std::vector<std::vector<double>> g = net.gradients();
  Report rep;
  json top6 = json::array();
  for (const auto& layer : g) top6.push_back(std::vector<double>(layer.begin(), layer.begin() + 6));
  std::vector<double> n = net.norms();
  rep.extra = json{{"sizes", hidden_layers(2)}, {"top6", top6}, {"all", g}, {"norms", n}};
  rep.settings = json{{"sizes", hidden_layers(2)}, {"images", 1000}, {"init", "default"}};
  double larger = 0;
  for (size_t j = 0; j < 30; ++j) larger += std::abs(g[1][j]) > std::abs(g[0][j]);
  char line[300];
  std::snprintf(line, sizeof line, "dC/db, first 6 neurons: layer 1 [%s], layer 2 [%s]; |layer 2| > |layer 1| for "
                "%.0f of 30 neurons; book: second layer's bars mostly much larger",
                join(top6[0].get<std::vector<double>>(), "%.4f").c_str(),
                join(top6[1].get<std::vector<double>>(), "%.4f").c_str(), larger);
  rep.summary = line;
  return rep;
}

Report norms(const Context& ctx) {  // 5.6
  Report rep;
  json rows = json::array();
  std::string summary;
  for (int k : {2, 3, 4}) {
    std::vector<double> n = SpeedOfLearning(hidden_layers(k), ctx.seed, mnist(ctx).training, 1000).norms();
    const auto& book = kBook[size_t(k - 2)];
    double worst = 1;  // the largest factor between ours and the book's, per layer
    for (size_t l = 0; l < n.size(); ++l) worst = std::max(worst, std::max(n[l] / book[l], book[l] / n[l]));
    // The book's numbers come from one random init; ten more seeds show the spread.
    std::vector<std::vector<double>> by_layer(n.size());
    for (uint64_t s = 1; s <= 10; ++s) {
      std::vector<double> other = SpeedOfLearning(hidden_layers(k), ctx.seed + s, mnist(ctx).training, 1000).norms();
      for (size_t l = 0; l < n.size(); ++l) by_layer[l].push_back(other[l]);
    }
    std::vector<double> lo, median, hi;
    for (auto& v : by_layer) {
      std::sort(v.begin(), v.end());
      lo.push_back(v.front()), median.push_back(0.5 * (v[4] + v[5])), hi.push_back(v.back());
    }
    rows.push_back({{"hidden_layers", k}, {"norms", n}, {"book", book}, {"largest_factor_from_book", worst},
                    {"ten_seeds_min", lo}, {"ten_seeds_median", median}, {"ten_seeds_max", hi}});
    if (!ctx.quiet) {
      std::printf("%d hidden layers: ||delta^l|| = %s (book %s), within a factor %.2f\n", k, join(n, "%.4f").c_str(),
                  join(book, "%.4f").c_str(), worst);
      std::printf("   ten other seeds: median %s, range %s .. %s\n", join(median, "%.4f").c_str(),
                  join(lo, "%.4f").c_str(), join(hi, "%.4f").c_str());
    }
    char factor[48];
    std::snprintf(factor, sizeof factor, " (within %.2fx of the book)", worst);
    summary += (summary.empty() ? "" : "; ") + std::to_string(k) + " hidden: " + join(n, "%.4f") + factor;
  }
  rep.settings = json{{"images", 1000}, {"init", "default"}, {"cost", "cross-entropy"}};
  rep.extra = json{{"rows", rows}};
  rep.summary = summary + "; book: 0.0657, 0.309; 0.0118, 0.0600, 0.283; 0.00298, 0.0171, 0.0695, 0.285";
  return rep;
}

const bool r5 = register_experiment({"5.5", "vanishing gradients: dC/db bars at init, [784,30,30,10]",
                                     "second hidden layer's bars mostly much larger",
                                     "network2 default init, first 1,000 training images, first 6 neurons per layer",
                                     bars});
const bool r6 = register_experiment({"5.6", "vanishing gradients: ||delta^l|| per hidden layer at init",
                                     "0.07, 0.31 / 0.012, 0.060, 0.283 / 0.003, 0.017, 0.070, 0.285",
                                     "2, 3, 4 hidden layers of 30, network2 default init, first 1,000 training images",
                                     norms});

}  // namespace
}  // namespace book
