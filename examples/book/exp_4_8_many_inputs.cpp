// 4.8-4.10 — beyond one input. A second hidden layer of tower neurons whose
// weighted sum approximates sigma^-1 o f(x, y) (4.8); a tower in m dimensions from
// 2m step neurons, weights alternating +h, -h and bias (-m + 1/2) h (4.9); a
// vector-valued f from one sub-network per component glued side by side (4.10).
// Tower neurons use h = 100: with h = 10 each of the 2(K-1) half-lit plateaus in a
// tower's row and column leaks sigma(-5) = 0.007 into the sum.
#include <cmath>
#include <cstdio>

#include "universality.hpp"

namespace book {
namespace {

using namespace universality;
using nabla::nn::Activation;

double goal_2d(double x, double y) { return 0.5 * (goal(x) + goal(y)); }
double second_goal(double x) { return 0.5 + 0.4 * std::sin(2 * M_PI * x); }
double logit_second_goal(double x) { return logit(second_goal(x)); }

// Every point of an n^m grid of [0,1]^m.
std::vector<std::vector<double>> grid_nd(int n, int m) {
  std::vector<std::vector<double>> points{{}};
  for (int d = 0; d < m; ++d) {
    std::vector<std::vector<double>> next;
    for (const auto& p : points)
      for (double v : grid(n)) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = next;
  }
  return points;
}

// K x K towers: steps at i/K in x and y, one tower neuron per cell, output weights sigma^-1 f(cell centre).
std::vector<Layer> tower_network(int K, double h) {
  std::vector<double> edges;
  for (int i = 0; i <= K; ++i) edges.push_back(double(i) / K);
  Layer steps(2, 2 * (K + 1));
  for (int input = 0; input < 2; ++input)
    for (int i = 0; i <= K; ++i) {
      steps.w(input * (K + 1) + i, input) = 1000;
      steps.b[size_t(input * (K + 1) + i)] = -1000 * edges[size_t(i)];
    }
  Layer towers(2 * (K + 1), K * K), out(K * K, 1, Activation::Sigmoid);
  for (int i = 0; i < K; ++i)
    for (int j = 0; j < K; ++j) {
      const int t = i * K + j;
      towers.w(t, i) = h, towers.w(t, i + 1) = -h;                  // x-bump of cell column i
      towers.w(t, K + 1 + j) = h, towers.w(t, K + 1 + j + 1) = -h;  // y-bump of cell row j
      towers.b[size_t(t)] = -1.5 * h;
      out.W[size_t(t)] = logit(goal_2d((i + 0.5) / K, (j + 0.5) / K));
    }
  return {steps, towers, out};
}

Report sum_of_towers(const Context&) {  // 4.8
  auto points = grid_nd(100, 2);
  std::vector<double> f;
  for (const auto& p : points) f.push_back(goal_2d(p[0], p[1]));
  Report rep;
  json rows = json::array();
  std::string summary = "f(x,y) = (f(x)+f(y))/2 from K x K towers, mean |f - output|:";
  for (int K : {5, 10, 20}) {
    std::vector<double> out;
    for (const auto& v : evaluate(tower_network(K, 100), points)) out.push_back(v[0]);
    Deviation d = deviation(out, f);
    rows.push_back({{"K", K}, {"tower_neurons", K * K}, {"mean_deviation", d.mean}, {"max_deviation", d.max}});
    char part[80];
    std::snprintf(part, sizeof part, " K=%d %.4f (max %.3f);", K, d.mean, d.max);
    summary += part;
  }
  rep.extra = json{{"rows", rows}, {"h", 100}};
  rep.summary = summary + " more towers fit better";
  return rep;
}

Report m_inputs(const Context&) {  // 4.9
  Report rep;
  json rows = json::array();
  std::string summary = "tower in m dimensions, bias (-m+1/2)h, h=100:";
  for (int m : {2, 3, 4}) {
    const double h = 100;
    Layer steps(m, 2 * m), tower(2 * m, 1, Activation::Sigmoid);
    for (int d = 0; d < m; ++d) {
      steps.w(2 * d, d) = 1000, steps.b[size_t(2 * d)] = -300;          // up at 0.3
      steps.w(2 * d + 1, d) = 1000, steps.b[size_t(2 * d + 1)] = -700;  // down at 0.7
      tower.W[size_t(2 * d)] = h, tower.W[size_t(2 * d + 1)] = -h;
    }
    tower.b = {(-m + 0.5) * h};
    auto points = grid_nd(m == 4 ? 10 : 20, m);
    auto out = evaluate({steps, tower}, points);
    double in_min = 1, out_max = 0;
    for (size_t i = 0; i < points.size(); ++i) {
      bool all_in = true, any_out = false;
      for (double v : points[i]) all_in &= v > 0.31 && v < 0.69, any_out |= v < 0.29 || v > 0.71;
      if (all_in) in_min = std::min(in_min, out[i][0]);
      if (any_out) out_max = std::max(out_max, out[i][0]);
    }
    rows.push_back({{"m", m}, {"points", points.size()}, {"inside_min", in_min}, {"outside_max", out_max}});
    char part[120];
    std::snprintf(part, sizeof part, " m=%d inside >= %.4f, outside <= %.1e;", m, in_min, out_max);
    summary += part;
  }
  rep.extra = json{{"rows", rows}};
  rep.summary = summary;
  return rep;
}

Report vector_valued(const Context&) {  // 4.10
  const int N = 20;
  std::vector<double> xs = grid(1000), f1, f2;
  for (double x : xs) f1.push_back(goal(x)), f2.push_back(second_goal(x));
  std::vector<Layer> a = bump_network(logit_goal, N, 1000), b = bump_network(logit_second_goal, N, 1000);
  // Glue: the hidden layers side by side, a block-diagonal output layer with two sigmoid outputs.
  Layer hidden(1, a[0].n_out + b[0].n_out), out(hidden.n_out, 2, Activation::Sigmoid);
  for (int64_t k = 0; k < a[0].n_out; ++k) hidden.W[size_t(k)] = a[0].W[size_t(k)], hidden.b[size_t(k)] = a[0].b[size_t(k)];
  for (int64_t k = 0; k < b[0].n_out; ++k) {
    hidden.W[size_t(a[0].n_out + k)] = b[0].W[size_t(k)];
    hidden.b[size_t(a[0].n_out + k)] = b[0].b[size_t(k)];
  }
  for (int64_t k = 0; k < a[0].n_out; ++k) out.w(0, k) = a[1].W[size_t(k)];
  for (int64_t k = 0; k < b[0].n_out; ++k) out.w(1, a[0].n_out + k) = b[1].W[size_t(k)];
  std::vector<std::vector<double>> points;
  for (double x : xs) points.push_back({x});
  auto y = evaluate({hidden, out}, points);
  std::vector<double> y1, y2;
  for (const auto& r : y) y1.push_back(r[0]), y2.push_back(r[1]);
  // The first component alone, from its own network: gluing must not change it.
  a.back().act = Activation::Sigmoid;
  Deviation d1 = deviation(y1, f1), d2 = deviation(y2, f2), alone = deviation(evaluate_1d(a, xs), f1);
  Report rep;
  rep.extra = json{{"N", N}, {"mean_deviation", {d1.mean, d2.mean}}, {"first_alone", alone.mean}};
  char line[220];
  std::snprintf(line, sizeof line, "(f(x), 0.5+0.4 sin(2 pi x)) from two glued N=20 bump networks: mean deviation %.4f and %.4f "
                "(first component from its own network: %.4f)", d1.mean, d2.mean, alone.mean);
  rep.summary = line;
  return rep;
}

const bool r8 = register_experiment({"4.8", "universality: sum of towers approximates f(x,y)",
                                     "the second hidden layer's weighted output approximates sigma^-1 o f",
                                     "f(x,y) = (f(x)+f(y))/2, K = 5, 10, 20 towers per side, h = 100; 100 x 100 grid",
                                     sum_of_towers});
const bool r9 = register_experiment({"4.9", "universality: a tower in m input dimensions",
                                     "weights alternating +h, -h; output bias (-m + 1/2) h (-5h/2 for m = 3)",
                                     "m = 2, 3, 4, box [0.3, 0.7]^m, h = 100, w = 1000", m_inputs});
const bool r10 = register_experiment({"4.10", "universality: vector-valued f from glued sub-networks",
                                      "one sub-network per output component, glued together",
                                      "f = (f(x), 0.5 + 0.4 sin(2 pi x)), N = 20 bump pairs each", vector_valued});

}  // namespace
}  // namespace book
