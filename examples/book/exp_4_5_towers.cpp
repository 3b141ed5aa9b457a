// 4.5-4.7 — two inputs. A neuron with weight 1000 on x and 0 on y is a step in x
// alone (4.5); an x-bump plus a y-bump (steps at 0.30 and 0.70, output weights
// +h, -h) is a tower of height 2h on a plateau of height h (4.6); an output neuron
// with bias -3h/2 keeps only the tower, and h = 10 is already "a pretty good
// tower" (4.7). Values measured on a 100 x 100 grid of [0,1]^2 by nabla graphs.
#include <cmath>
#include <cstdio>

#include "universality.hpp"

namespace book {
namespace {

using namespace universality;
using nabla::nn::Activation;

std::vector<std::vector<double>> grid2d(int n) {
  std::vector<std::vector<double>> points;
  for (double y : grid(n))
    for (double x : grid(n)) points.push_back({x, y});
  return points;
}

bool inside(double v) { return v > 0.31 && v < 0.69; }     // in the bump, off its step windows
bool outside(double v) { return v < 0.29 || v > 0.71; }

// Steps at 0.3 and 0.7 in x, then in y, with output weights h, -h, h, -h: 4.6's network.
std::vector<Layer> x_and_y_bumps(double h, Activation out_act, double out_bias) {
  Layer hidden(2, 4);
  const std::vector<double> s{0.3, 0.7};
  for (int input = 0; input < 2; ++input)
    for (int k = 0; k < 2; ++k) {
      hidden.w(2 * input + k, input) = 1000;
      hidden.b[size_t(2 * input + k)] = -1000 * s[size_t(k)];
    }
  Layer out(4, 1, out_act);
  out.W = {h, -h, h, -h};
  out.b = {out_bias};
  return {hidden, out};
}

// Extremes of the output over three regions: tower (both inside), plateau (one inside), floor.
struct Regions {
  double tower_min = 1e300, tower_max = -1e300, plateau_min = 1e300, plateau_max = -1e300, floor_max = -1e300;
};
Regions regions(const std::vector<std::vector<double>>& points, const std::vector<std::vector<double>>& out) {
  Regions r;
  for (size_t i = 0; i < points.size(); ++i) {
    const double x = points[i][0], y = points[i][1], v = out[i][0];
    if (inside(x) && inside(y)) r.tower_min = std::min(r.tower_min, v), r.tower_max = std::max(r.tower_max, v);
    if ((inside(x) && outside(y)) || (outside(x) && inside(y)))
      r.plateau_min = std::min(r.plateau_min, v), r.plateau_max = std::max(r.plateau_max, v);
    if (outside(x) && outside(y)) r.floor_max = std::max(r.floor_max, std::abs(v));
  }
  return r;
}

Report step_in_x(const Context&) {  // 4.5
  auto points = grid2d(100);
  Layer xs = step_layer({0.4}, 1000, 2, 0), ys = step_layer({0.4}, 1000, 2, 1);
  auto ax = evaluate({xs}, points), ay = evaluate({ys}, points);
  double worst_x = 0, worst_y = 0;  // against the ideal step, off the window |v - 0.4| < 0.01
  for (size_t i = 0; i < points.size(); ++i) {
    const double x = points[i][0], y = points[i][1];
    if (std::abs(x - 0.4) > 0.01) worst_x = std::max(worst_x, std::abs(ax[i][0] - (x > 0.4)));
    if (std::abs(y - 0.4) > 0.01) worst_y = std::max(worst_y, std::abs(ay[i][0] - (y > 0.4)));
  }
  Report rep;
  char line[200];
  std::snprintf(line, sizeof line, "x-step (w1=1000, w2=0) and y-step (w1=0, w2=1000) at 0.4: largest distance from "
                "the ideal step off the window %.1e and %.1e", worst_x, worst_y);
  rep.summary = line;
  rep.extra = json{{"x_step_max_error", worst_x}, {"y_step_max_error", worst_y}};
  return rep;
}

Report tower_on_plateau(const Context&) {  // 4.6
  auto points = grid2d(100);
  const double h = 1.0;
  Regions r = regions(points, evaluate(x_and_y_bumps(h, Activation::Linear, 0), points));
  Report rep;
  char line[200];
  std::snprintf(line, sizeof line, "h=1: tower %.4f..%.4f (2h), plateau %.4f..%.4f (h), floor |v| <= %.1e",
                r.tower_min, r.tower_max, r.plateau_min, r.plateau_max, r.floor_max);
  rep.summary = line;
  rep.extra = json{{"h", h}, {"tower", {r.tower_min, r.tower_max}}, {"plateau", {r.plateau_min, r.plateau_max}},
                   {"floor_max", r.floor_max}};
  return rep;
}

Report isolated_tower(const Context&) {  // 4.7
  auto points = grid2d(100);
  Report rep;
  json rows = json::array();
  std::string summary = "output sigma(weighted - 3h/2):";
  for (double h : {1.0, 10.0, 100.0}) {
    auto out = evaluate(x_and_y_bumps(h, Activation::Sigmoid, -1.5 * h), points);
    Regions r = regions(points, out);
    rows.push_back({{"h", h}, {"tower_min", r.tower_min}, {"plateau_max", r.plateau_max}, {"floor_max", r.floor_max}});
    char part[160];
    std::snprintf(part, sizeof part, " h=%g: tower >= %.4f, plateau <= %.4f, floor <= %.1e;", h, r.tower_min,
                  r.plateau_max, r.floor_max);
    summary += part;
    if (h == 10.0) {  // a 50 x 50 picture for the plot
      auto coarse = grid2d(50);
      std::vector<double> z;
      for (const auto& v : evaluate(x_and_y_bumps(h, Activation::Sigmoid, -1.5 * h), coarse)) z.push_back(v[0]);
      rep.extra["tower_h10"] = json{{"n", 50}, {"z", z}};
    }
  }
  rep.extra["rows"] = rows;
  rep.summary = summary + " book: h=10 gives a pretty good tower";
  return rep;
}

const bool r5 = register_experiment({"4.5", "universality, 2 inputs: a step in x alone, in y alone",
                                     "x-step: w1 large, w2 = 0, s_x = -b/w1; y-step likewise",
                                     "steps at 0.4, w = 1000; 100 x 100 grid", step_in_x});
const bool r6 = register_experiment({"4.6", "universality, 2 inputs: x-bump + y-bump = tower, plateau",
                                     "steps 0.30, 0.70, weights h, -h: tower 2h on a plateau h",
                                     "h = 1, w = 1000; 100 x 100 grid", tower_on_plateau});
const bool r7 = register_experiment({"4.7", "universality, 2 inputs: threshold gives an isolated tower",
                                     "output bias -3h/2; h = 10 already a pretty good tower",
                                     "h = 1, 10, 100, w = 1000; 100 x 100 grid", isolated_tower});

}  // namespace
}  // namespace book
