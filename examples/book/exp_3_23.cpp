// 3.23 — broad strategy: eta 100
// Book: 10, 10, 10, 10 / 100
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 100.0;
  s.lmbda = 20.0;
  s.train_size = 1000;
  s.evaluation = "validation";
  s.evaluation_size = 100;
  return s;
}

const bool registered = register_experiment(single_run("3.23", "broad strategy: eta 100", "10, 10, 10, 10 / 100", spec()));

}  // namespace
}  // namespace book
