// 3.21 — broad strategy: [784,10], 1,000 images, eta 10, lambda 1000
// Book: 10 / 100 at epochs 0-2
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 10.0;
  s.lmbda = 1000.0;
  s.train_size = 1000;
  s.evaluation = "validation";
  s.evaluation_size = 100;  // monitor on 100 validation images: fast feedback
  return s;
}

const bool registered = register_experiment(single_run("3.21", "broad strategy: [784,10], 1,000 images, eta 10, lambda 1000", "10 / 100 at epochs 0-2", spec()));

}  // namespace
}  // namespace book
