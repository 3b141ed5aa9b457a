// 3.9 — L2 regularization, full set, lambda 5.0
// Book: 96.49% test accuracy, train/test gap under 1%
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.5;
  s.lmbda = 5.0;
  s.monitor_training_accuracy = true;
  return s;
}

const bool registered = register_experiment(single_run("3.9", "L2 regularization, full set, lambda 5.0", "96.49% test accuracy, train/test gap under 1%", spec()));

}  // namespace
}  // namespace book
