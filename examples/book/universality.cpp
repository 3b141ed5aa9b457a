#include "universality.hpp"

#include <algorithm>
#include <cmath>

namespace book::universality {

using namespace nabla;

double goal(double x) { return 0.2 + 0.4 * x * x + 0.3 * x * std::sin(15 * x) + 0.05 * std::cos(50 * x); }
double logit(double p) { return std::log(p / (1 - p)); }
double sigma(double z) { return 1.0 / (1.0 + std::exp(-z)); }
double logit_goal(double x) { return logit(goal(x)); }

std::vector<double> grid(int n) {
  std::vector<double> xs;
  for (int i = 0; i < n; ++i) xs.push_back((i + 0.5) / n);
  return xs;
}

std::vector<std::vector<double>> evaluate(const std::vector<Layer>& layers, const std::vector<std::vector<double>>& points) {
  const int64_t n = int64_t(points.size()), n_in = layers.front().n_in;
  std::vector<double> flat;
  for (const auto& p : points) flat.insert(flat.end(), p.begin(), p.end());
  Var a = constant(Tensor::from<double>(flat, {n, n_in}), "x");
  for (const Layer& l : layers) {
    Var W = constant(Tensor::from<double>(l.W, {l.n_out, l.n_in}), "W");
    Var b = constant(Tensor::from<double>(l.b, {l.n_out}), "b");
    a = nn::activate(l.act, matmul(a, W, false, true) + b);  // the book's a' = act(W a + b), one row per point
  }
  Function f = function({}, {a});
  const Tensor& out = f()[0];
  const int64_t n_out = layers.back().n_out;
  std::vector<std::vector<double>> result(size_t(n), std::vector<double>(size_t(n_out), 0.0));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n_out; ++j) result[size_t(i)][size_t(j)] = out.at(i * n_out + j);
  return result;
}

std::vector<double> evaluate_1d(const std::vector<Layer>& layers, const std::vector<double>& xs) {
  std::vector<std::vector<double>> points;
  for (double x : xs) points.push_back({x});
  std::vector<double> ys;
  for (const auto& r : evaluate(layers, points)) ys.push_back(r[0]);
  return ys;
}

Layer step_layer(const std::vector<double>& steps, double w, int64_t n_in, int64_t input, nn::Activation act) {
  Layer l(n_in, int64_t(steps.size()), act);
  for (size_t k = 0; k < steps.size(); ++k) {
    l.w(int64_t(k), input) = w;
    l.b[k] = -w * steps[k];  // the step sits at s = -b / w
  }
  return l;
}

std::vector<Layer> bump_network(double (*g)(double), int N, double w, double shift, double scale) {
  std::vector<double> steps, heights;
  // With a shift the first and last bumps stick out of [0, 1]; one more bump covers the end.
  const int first = shift > 0 ? -1 : 0;
  for (int i = first; i < N; ++i) {
    const double lo = (i + shift) / N, hi = (i + 1 + shift) / N;
    const double a = std::max(lo, 0.0), b = std::min(hi, 1.0);
    double mean = 0;
    const int samples = 64;
    for (int k = 0; k < samples; ++k) mean += g(a + (b - a) * (k + 0.5) / samples);
    steps.push_back(lo);
    steps.push_back(hi);
    heights.push_back(scale * mean / samples);
  }
  Layer hidden = step_layer(steps, w);
  Layer out(int64_t(steps.size()), 1, nn::Activation::Linear);
  for (size_t i = 0; i < heights.size(); ++i) {
    out.w(0, int64_t(2 * i)) = heights[i];        // +h on the up-step
    out.w(0, int64_t(2 * i + 1)) = -heights[i];   // -h on the down-step
  }
  return {hidden, out};
}

Deviation deviation(const std::vector<double>& a, const std::vector<double>& b) {
  Deviation d;
  for (size_t i = 0; i < a.size(); ++i) {
    const double e = std::abs(a[i] - b[i]);
    d.mean += e;
    d.max = std::max(d.max, e);
  }
  d.mean /= double(a.size());
  return d;
}

json curves(const std::vector<double>& xs, const std::vector<std::pair<std::string, std::vector<double>>>& ys,
            int every) {
  auto thin = [every](const std::vector<double>& v) {
    std::vector<double> out;
    for (size_t i = 0; i < v.size(); i += size_t(every)) out.push_back(v[i]);
    return out;
  };
  json c{{"x", thin(xs)}};
  for (const auto& [name, v] : ys) c[name] = thin(v);
  return c;
}

}  // namespace book::universality
