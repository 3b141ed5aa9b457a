// 4.1-4.3, 4.11 — from one sigmoid neuron to a designed function: a neuron with a
// large weight is a step at s = -b/w (4.1); two steps with output weights +h, -h
// make a bump of height h (4.2); N pairs make N bumps whose heights are the output
// weights (4.3); any activation with two different finite limits works, ReLU does
// not (4.11). Every curve is computed by a nabla graph of the network.
#include <cmath>
#include <cstdio>

#include "universality.hpp"

namespace book {
namespace {

using namespace universality;
using nabla::nn::Activation;

const std::vector<double> kFine = grid(10000);

// The x range over which the neuron's output goes from 1% to 99% of its change.
double transition_width(const std::vector<double>& a, double lo, double hi) {
  double first = -1, last = -1;
  for (size_t i = 0; i < a.size(); ++i) {
    const double t = (a[i] - lo) / (hi - lo);
    if (t > 0.01 && first < 0) first = kFine[i];
    if (t < 0.99) last = kFine[i];
  }
  return last - first;
}

Report steps(const Context&) {  // 4.1
  Report rep;
  std::vector<std::pair<std::string, std::vector<double>>> shown;
  std::string summary = "step at s=0.3, 1%-99% transition width:";
  for (double w : {20.0, 100.0, 999.0}) {
    std::vector<double> a = evaluate_1d({step_layer({0.3}, w)}, kFine);
    const double width = transition_width(a, 0, 1);
    char part[80];
    std::snprintf(part, sizeof part, " w=%g %.4f (2 ln 99 / w = %.4f);", w, width, 2 * std::log(99.0) / w);
    summary += part;
    shown.push_back({"w=" + std::to_string(int(w)), a});
  }
  rep.extra = json{{"curves", curves(kFine, shown, 5)}, {"s", 0.3}};
  rep.summary = summary + " at w=999 it is a step to the eye";
  return rep;
}

Report bump(const Context&) {  // 4.2
  // Steps at 0.4 and 0.6, output weights 0.8 and -0.8: the weighted output w1 a1 + w2 a2.
  Layer out(2, 1, Activation::Linear);
  out.W = {0.8, -0.8};
  std::vector<double> y = evaluate_1d({step_layer({0.4, 0.6}, 999), out}, kFine);
  double inside = 0, outside = 0;
  for (size_t i = 0; i < kFine.size(); ++i) {
    const double x = kFine[i];
    if (x > 0.41 && x < 0.59) inside = std::max(inside, std::abs(y[i] - 0.8));
    if (x < 0.39 || x > 0.61) outside = std::max(outside, std::abs(y[i]));
  }
  Report rep;
  rep.extra = json{{"curves", curves(kFine, {{"weighted output", y}}, 5)}};
  char line[200];
  std::snprintf(line, sizeof line, "bump on [0.4,0.6]: height %.4f (max |y-0.8| inside %.1e), max |y| outside %.1e",
                y[kFine.size() / 2], inside, outside);
  rep.summary = line;
  return rep;
}

Report five_bumps(const Context&) {  // 4.3
  const std::vector<double> h{0.5, -0.3, 0.9, 0.2, -0.6};  // any heights: they are the design
  std::vector<double> steps;
  for (int i = 0; i < 5; ++i) steps.insert(steps.end(), {i / 5.0, (i + 1) / 5.0});
  Layer out(10, 1, Activation::Linear);
  for (int i = 0; i < 5; ++i) out.W[size_t(2 * i)] = h[size_t(i)], out.W[size_t(2 * i + 1)] = -h[size_t(i)];
  std::vector<double> y = evaluate_1d({step_layer(steps, 999), out}, kFine);
  double worst = 0;  // plateau vs h, away from the steps
  for (size_t i = 0; i < kFine.size(); ++i) {
    const double x = kFine[i], frac = x * 5 - std::floor(x * 5);
    if (frac > 0.05 && frac < 0.95) worst = std::max(worst, std::abs(y[i] - h[size_t(x * 5)]));
  }
  Report rep;
  rep.extra = json{{"curves", curves(kFine, {{"weighted output", y}}, 5)}, {"h", h}};
  char line[160];
  std::snprintf(line, sizeof line, "5 bumps with h = 0.5,-0.3,0.9,0.2,-0.6: plateaus match h to %.1e", worst);
  rep.summary = line;
  return rep;
}

Report other_activations(const Context&) {  // 4.11
  // A bump from two neurons at 0.4 and 0.6 with w = 100, for tanh and ReLU. tanh
  // goes from -1 to 1, so output weights h/2 and -h/2 give height h.
  Report rep;
  std::vector<std::pair<std::string, std::vector<double>>> shown;
  std::string summary;
  for (Activation act : {Activation::Tanh, Activation::ReLU, Activation::Sigmoid}) {
    Layer out(2, 1, Activation::Linear);
    const double scale = act == Activation::Tanh ? 0.5 : 1.0;
    out.W = {scale, -scale};
    std::vector<double> y = evaluate_1d({step_layer({0.4, 0.6}, 100, 1, 0, act), out}, kFine);
    const double middle = y[kFine.size() / 2], right = y.back();
    char part[160];
    std::snprintf(part, sizeof part, "%s%s: %.3f at x=0.5, %.3f at x=1", summary.empty() ? "" : "; ",
                  nabla::nn::activation_name(act), middle, right);
    summary += part;
    shown.push_back({nabla::nn::activation_name(act), y});
  }
  rep.extra = json{{"curves", curves(kFine, shown, 5)}};
  rep.summary = summary + " (a bump needs ~1 at 0.5 and ~0 at 1: ReLU's pair never comes back down)";
  return rep;
}

const bool r1 = register_experiment({"4.1", "universality: a neuron with a large weight is a step",
                                     "step at s = -b/w; at w=999 a step to the eye",
                                     "s = 0.3, w = 20, 100, 999, b = -w s; 10,000 points on [0,1]", steps});
const bool r2 = register_experiment({"4.2", "universality: two step neurons make a bump",
                                     "output weights 0.8, -0.8 give a bump of height 0.8",
                                     "steps at 0.4 and 0.6, w = 999", bump});
const bool r3 = register_experiment({"4.3", "universality: N pairs of step neurons make N bumps",
                                     "N=5: steps 0,1/5; 1/5,2/5; ...; output weights +h, -h",
                                     "N = 5, w = 999, h = 0.5, -0.3, 0.9, 0.2, -0.6", five_bumps});
const bool r11 = register_experiment({"4.11", "universality: other activations (tanh yes, ReLU no)",
                                      "works when s(z) has two different finite limits; try w = 100",
                                      "a bump from neurons at 0.4 and 0.6, w = 100", other_activations});

}  // namespace
}  // namespace book
