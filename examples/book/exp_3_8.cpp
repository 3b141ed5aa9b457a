// 3.8 — L2 regularization, 1,000 training images, lambda 0.1
// Book: test accuracy keeps rising, peak 87.1%
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.5;
  s.lmbda = 0.1;
  s.epochs = 400;
  s.train_size = 1000;
  s.monitor_evaluation_cost = true;
  s.monitor_training_cost = true;
  s.monitor_training_accuracy = true;
  return s;
}

const bool registered = register_experiment(single_run("3.8", "L2 regularization, 1,000 training images, lambda 0.1", "test accuracy keeps rising, peak 87.1%", spec()));

}  // namespace
}  // namespace book
