// X7 — exercise: L1 regularization, 1,000 images, lambda 0.1
// Book: no run in the book; compare with 3.6 (82.27%)
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.5;
  s.lmbda = 0.1;
  s.regularization = nabla::nn::Regularization::L1;
  s.epochs = 400;
  s.train_size = 1000;
  s.monitor_training_accuracy = true;
  return s;
}

const bool registered = register_experiment(single_run("X7", "exercise: L1 regularization, 1,000 images, lambda 0.1", "no run in the book; compare with 3.6 (82.27%)", spec()));

}  // namespace
}  // namespace book
