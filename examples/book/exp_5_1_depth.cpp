// 5.1-5.4 — more hidden layers of 30 neurons, trained exactly alike: network2's
// default init and cross-entropy, 30 epochs, mini-batch 10, eta 0.1, lambda 5.0,
// 50,000 images, validation accuracy. Book: 96.48%, 96.90%, 96.57%, 96.53% — extra
// depth barely helps, and the next experiments (5.6, 5.7) show why.
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec depth(std::vector<int64_t> sizes) {
  Network2Spec s;
  s.sizes = std::move(sizes);
  s.init = nabla::nn::Init::Default;
  s.eta = 0.1;
  s.lmbda = 5.0;
  s.evaluation = "validation";
  return s;
}

const bool r1 = register_experiment(single_run("5.1", "vanishing gradients: 1 hidden layer [784,30,10]",
                                               "96.48% validation accuracy", depth({784, 30, 10})));
const bool r2 = register_experiment(single_run("5.2", "vanishing gradients: 2 hidden layers [784,30,30,10]",
                                               "96.90% validation accuracy", depth({784, 30, 30, 10})));
const bool r3 = register_experiment(single_run("5.3", "vanishing gradients: 3 hidden layers [784,30,30,30,10]",
                                               "96.57% validation accuracy", depth({784, 30, 30, 30, 10})));
const bool r4 = register_experiment(single_run("5.4", "vanishing gradients: 4 hidden layers [784,30,30,30,30,10]",
                                               "96.53% validation accuracy", depth({784, 30, 30, 30, 30, 10})));

}  // namespace
}  // namespace book
