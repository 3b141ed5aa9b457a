// 3.22 — broad strategy: lambda rescaled to 20
// Book: 12, 14, 25, 18 / 100 at epochs 0-3 (a signal)
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 10.0;
  s.lmbda = 20.0;
  s.train_size = 1000;
  s.evaluation = "validation";
  s.evaluation_size = 100;
  return s;
}

const bool registered = register_experiment(single_run("3.22", "broad strategy: lambda rescaled to 20", "12, 14, 25, 18 / 100 at epochs 0-3 (a signal)", spec()));

}  // namespace
}  // namespace book
