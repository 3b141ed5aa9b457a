// Chapter 4's hand-built networks: step neurons, bumps and towers, written in
// the standard parameterization (weights and biases) and evaluated with nabla
// ops on grids of sample points. Shared by the exp_4_* files.
#pragma once
#include <vector>

#include "experiment.hpp"

namespace book::universality {

// The goal function of eq. 113 on [0, 1].
double goal(double x);
double logit(double p);  // sigma^-1
double sigma(double z);

// n points (i + 0.5) / n, i < n: off every step point of the constructions below.
std::vector<double> grid(int n);

// A dense layer a = act(W x + b) with W stored (n_out, n_in) row-major.
struct Layer {
  int64_t n_in = 0, n_out = 0;
  std::vector<double> W, b;
  nabla::nn::Activation act = nabla::nn::Activation::Sigmoid;
  Layer(int64_t n_in, int64_t n_out, nabla::nn::Activation act = nabla::nn::Activation::Sigmoid)
      : n_in(n_in), n_out(n_out), W(size_t(n_in * n_out), 0.0), b(size_t(n_out), 0.0), act(act) {}
  double& w(int64_t out, int64_t in) { return W[size_t(out * n_in + in)]; }
};

// Runs the layers on the points (rows of `points`, each of n_in values) through one
// compiled nabla function, in float64; returns one row of outputs per point.
std::vector<std::vector<double>> evaluate(const std::vector<Layer>& layers, const std::vector<std::vector<double>>& points);
// One-input, one-output shorthand: f(x) for each x.
std::vector<double> evaluate_1d(const std::vector<Layer>& layers, const std::vector<double>& xs);

// A hidden layer of step neurons at the given points (weight w, bias -w s) for
// input `input` of n_in inputs; neuron k steps at steps[k].
Layer step_layer(const std::vector<double>& steps, double w, int64_t n_in = 1, int64_t input = 0,
                 nabla::nn::Activation act = nabla::nn::Activation::Sigmoid);

// N bumps on [0, 1] approximating g: steps at i/N (each bump its own pair of
// neurons, as the book draws them), shifted by `shift` bump widths; heights are
// the mean of g over each bump. Returns {hidden layer, linear output layer}
// whose output is the hidden layer's weighted output sum_j w_j a_j.
std::vector<Layer> bump_network(double (*g)(double), int N, double w, double shift = 0.0, double scale = 1.0);

// The sigma^-1 o f target the hidden layer's weighted output should match.
double logit_goal(double x);

// Mean and max |a - b|.
struct Deviation {
  double mean = 0, max = 0;
};
Deviation deviation(const std::vector<double>& a, const std::vector<double>& b);

// Sampled curves for the plotting script: {"x": [...], name: [...], ...}, keeping
// every `every`-th point so the results file stays small.
json curves(const std::vector<double>& xs, const std::vector<std::pair<std::string, std::vector<double>>>& ys,
            int every = 1);

}  // namespace book::universality

namespace book::universality {

// The trained comparison for 4.4: a [1, hidden, 1] sigmoid network fitted to the
// goal function by full-batch gradient descent on the quadratic cost over `points`
// sample points. Returns its settings, deviations and curve.
json fit_goal(int hidden, int epochs, double eta, double momentum, int points, uint64_t seed, bool quiet);

}  // namespace book::universality
