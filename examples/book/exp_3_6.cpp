// 3.6 — overfitting: 1,000 training images, 400 epochs
// Book: test accuracy tops out at 82.27%; training accuracy 100%
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.5;
  s.epochs = 400;
  s.train_size = 1000;  // the first 1,000 training images: small enough to overfit
  s.monitor_evaluation_cost = true;
  s.monitor_training_cost = true;
  s.monitor_training_accuracy = true;
  return s;
}

const bool registered = register_experiment(single_run("3.6", "overfitting: 1,000 training images, 400 epochs", "test accuracy tops out at 82.27%; training accuracy 100%", spec()));

}  // namespace
}  // namespace book
