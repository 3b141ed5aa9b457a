// 3.11 — L2 regularization: [784,100,10], 60 epochs, eta 0.1
// Book: 98.04% validation accuracy
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 100, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.1;
  s.lmbda = 5.0;
  s.epochs = 60;
  s.evaluation = "validation";
  return s;
}

const bool registered = register_experiment(single_run("3.11", "L2 regularization: [784,100,10], 60 epochs, eta 0.1", "98.04% validation accuracy", spec()));

}  // namespace
}  // namespace book
