// 3.25 — choosing eta: training cost per epoch of [784,30,10] for eta = 0.025,
// 0.25 and 2.5 (multiple_eta.py).
// Book: 0.025 decreases smoothly, 0.25 saturates after ~20 epochs, 2.5 oscillates from the start.
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec base() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Default;
  s.lmbda = 5.0;
  s.monitor_evaluation_accuracy = false;
  s.monitor_training_cost = true;
  return s;
}

const bool registered = register_experiment(compare_runs(
    "3.25", "multiple eta: training cost for eta 0.025, 0.25, 2.5",
    "cost 0.878->0.339 (0.025), 0.495->0.339 (0.25), 0.925->0.861 oscillating (2.5)", base(),
    {{"eta=0.025", [](Network2Spec& s) { s.eta = 0.025; }},
     {"eta=0.25", [](Network2Spec& s) { s.eta = 0.25; }},
     {"eta=2.5", [](Network2Spec& s) { s.eta = 2.5; }}}));

}  // namespace
}  // namespace book
