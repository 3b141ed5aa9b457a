// 3.10 — L2 regularization: [784,100,10], lambda 5.0, eta 0.5
// Book: 97.92% validation accuracy
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 100, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.5;
  s.lmbda = 5.0;
  s.evaluation = "validation";
  return s;
}

const bool registered = register_experiment(single_run("3.10", "L2 regularization: [784,100,10], lambda 5.0, eta 0.5", "97.92% validation accuracy", spec()));

}  // namespace
}  // namespace book
