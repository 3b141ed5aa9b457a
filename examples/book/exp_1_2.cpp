// 1.2 — ch1 network.py: [784,100,10], quadratic, eta 3.0
// Book: 96.59% test accuracy (runs vary; some get stuck)
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 100, 10};
  s.cost = nabla::nn::Cost::Quadratic;
  s.init = nabla::nn::Init::Large;
  s.eta = 3.0;
  s.network_py_output = true;
  return s;
}

const bool registered = register_experiment(single_run("1.2", "ch1 network.py: [784,100,10], quadratic, eta 3.0", "96.59% test accuracy (runs vary; some get stuck)", spec()));

}  // namespace
}  // namespace book
