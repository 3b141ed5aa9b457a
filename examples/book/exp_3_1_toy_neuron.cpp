// 3.1-3.3 — the learning slowdown on one sigmoid neuron taught to map x = 1 to y = 0.
// Gradient descent on one example from (w, b) = (0.6, 0.9) and (2.0, 2.0): quadratic
// cost with eta = 0.15 (3.1, 3.2), cross-entropy with eta = 0.005 (3.3). The book's
// text gives no length; its widget (saturation*.js in the book's site) runs 300
// frames of one step each, so we run 300 epochs of one gradient step.
// Book: 3.1 starts at 0.82 and ends at "about 0.09"; 3.2 starts at 0.98 and barely
// moves for "the first 150 or so" epochs; 3.3 learns quickly from both starts.
//
// A finding: the widget's script (saturation1.js) defines the cross-entropy step as
// w, b -= eta * 1/(1-a), i.e. dC/da, not the gradient dC/dw = dC/db = dC/dz = a
// (its quadratic step a^2(1-a) is the true gradient). With the true gradient and
// eta = 0.005, 300 epochs move the output only from 0.98 to about 0.8, so 3.3 also
// runs the widget's rule (labelled), which is what makes eta = 0.005 look quick.
#include <cmath>
#include <cstdio>

#include "network2_run.hpp"

namespace book {
namespace {

using namespace nabla;

struct Start {
  double w, b;
};

// One neuron as graph + function: each call returns (cost, output) at the current
// (w, b), then applies w <- w - eta dC/dw, b <- b - eta dC/db.
// widget_rule: step by the book widget's dC/da = 1/(1-a) (cross-entropy only).
Run train_neuron(nn::Cost cost, double eta, Start start, int epochs, bool widget_rule, json& outputs) {
  Var w = shared(Tensor::scalar<double>(start.w), "w"), b = shared(Tensor::scalar<double>(start.b), "b");
  const double x = 1.0, y = 0.0;
  Var a = sigmoid(w * x + b);
  Var C = cost == nn::Cost::Quadratic ? 0.5 * sqr(a - y) : -(y * log(a) + (1.0 - y) * log(1.0 - a));
  std::vector<Var> g = grad(C, {w, b});
  if (widget_rule) g = {1.0 / (1.0 - a), 1.0 / (1.0 - a)};
  Function step = function({}, {C, a}, {{w, w - eta * g[0]}, {b, b - eta * g[1]}});

  Run run;
  char label[120];
  std::snprintf(label, sizeof label, "%s from (w,b)=(%g,%g)%s", cost == nn::Cost::Quadratic ? "quadratic" : "cross-entropy",
                start.w, start.b, widget_rule ? ", widget's step eta/(1-a)" : "");
  run.label = label;
  run.settings = json{{"cost", nn::cost_class_name(cost)}, {"eta", eta}, {"w0", start.w}, {"b0", start.b},
                      {"epochs", epochs}, {"step", widget_rule ? "widget: eta/(1-a)" : "gradient"}};
  std::vector<double> out;
  for (int e = 0; e < epochs; ++e) {
    const auto& r = step();
    run.result.training_cost.push_back(r[0].item());
    out.push_back(r[1].item());
  }
  run.result.epochs_run = epochs;
  run.training_size = 1;
  outputs[run.label] = out;
  return run;
}

// The epoch at which the output has covered half of its total change: late = slow start.
int half_way_epoch(const std::vector<double>& out) {
  const double half = 0.5 * (out.front() + out.back());
  for (size_t e = 0; e < out.size(); ++e)
    if (out[e] <= half) return int(e);
  return int(out.size());
}

Experiment toy(const std::string& id, nn::Cost cost, double eta, std::vector<Start> starts, const std::string& book_says,
               bool also_widget_rule = false) {
  Experiment e;
  e.id = id;
  e.title = std::string("toy neuron 1 -> 0: ") + (cost == nn::Cost::Quadratic ? "quadratic" : "cross-entropy") +
            " cost, eta " + (cost == nn::Cost::Quadratic ? "0.15" : "0.005");
  e.book = book_says;
  e.defaults = "one sigmoid neuron, x=1, y=0, 300 epochs of gradient descent (--epochs changes it)";
  if (also_widget_rule) e.defaults += "; also the book widget's step eta/(1-a)";
  e.run = [=](const Context& ctx) {
    const int epochs = ctx.epochs > 0 ? ctx.epochs : 300;
    Report rep;
    rep.settings = json{{"cost", nn::cost_class_name(cost)}, {"eta", eta}, {"epochs", epochs}};
    json outputs;
    std::string summary;
    std::vector<std::pair<Start, bool>> runs;
    for (bool widget : {false, true})
      if (!widget || also_widget_rule)
        for (Start s : starts) runs.push_back({s, widget});
    for (auto [s, widget] : runs) {
      rep.runs.push_back(train_neuron(cost, eta, s, epochs, widget, outputs));
      const std::vector<double>& out = outputs[rep.runs.back().label];
      const auto& c = rep.runs.back().result.training_cost;
      char line[200];
      std::snprintf(line, sizeof line, "(%g,%g)%s: output %.2f -> %.2f, cost %.3f -> %.4f, half-way at epoch %d",
                    s.w, s.b, widget ? " widget's step" : "", out.front(), out.back(), c.front(), c.back(),
                    half_way_epoch(out));
      if (!ctx.quiet) std::printf("%s; output at epochs 50/150/250: %.3f %.3f %.3f\n", line,
                                  out[std::min<size_t>(50, out.size() - 1)], out[std::min<size_t>(150, out.size() - 1)],
                                  out[std::min<size_t>(250, out.size() - 1)]);
      summary += (summary.empty() ? "" : "; ") + std::string(line);
    }
    rep.extra = json{{"output", outputs}};
    rep.summary = summary + "; book: " + book_says;
    return rep;
  };
  return e;
}

const bool r1 = register_experiment(toy("3.1", nn::Cost::Quadratic, 0.15, {{0.6, 0.9}},
                                        "output 0.82 at first, about 0.09 at the end"));
const bool r2 = register_experiment(toy("3.2", nn::Cost::Quadratic, 0.15, {{2.0, 2.0}},
                                        "output 0.98 at first; little change for ~150 epochs, then learns"));
const bool r3 = register_experiment(toy("3.3", nn::Cost::CrossEntropy, 0.005, {{0.6, 0.9}, {2.0, 2.0}},
                                        "both starts learn quickly; initial slope much steeper than quadratic",
                                        /*also_widget_rule=*/true));

}  // namespace
}  // namespace book
