// X10 — exercise: momentum SGD, mu 0.9
// Book: no run in the book
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 0.05;  // with mu 0.9 the steady-state step is about eta / (1 - mu) = 0.5
  s.lmbda = 5.0;
  s.evaluation = "validation";
  s.optimizer = "momentum";
  s.momentum = 0.9;
  return s;
}

const bool registered = register_experiment(single_run("X10", "exercise: momentum SGD, mu 0.9", "no run in the book", spec()));

}  // namespace
}  // namespace book
