// 3.24 — broad strategy: eta 1
// Book: 62, 42, 43, 61 / 100
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 1.0;
  s.lmbda = 20.0;
  s.train_size = 1000;
  s.evaluation = "validation";
  s.evaluation_size = 100;
  return s;
}

const bool registered = register_experiment(single_run("3.24", "broad strategy: eta 1", "62, 42, 43, 61 / 100", spec()));

}  // namespace
}  // namespace book
