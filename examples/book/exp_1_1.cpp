// 1.1 — ch1 network.py: [784,30,10], quadratic, eta 3.0
// Book: 95.42% test accuracy
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.cost = nabla::nn::Cost::Quadratic;  // network.py: C = |y - a|^2 / 2
  s.init = nabla::nn::Init::Large;      // network.py draws everything from N(0,1)
  s.eta = 3.0;
  s.network_py_output = true;           // "Epoch j: k / 10000"
  return s;
}

const bool registered = register_experiment(single_run("1.1", "ch1 network.py: [784,30,10], quadratic, eta 3.0", "95.42% test accuracy", spec()));

}  // namespace
}  // namespace book
