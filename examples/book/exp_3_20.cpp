// 3.20 — bad hyper-parameters: eta 10, lambda 1000
// Book: no better than chance (about 1,000 / 10,000)
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 10.0;
  s.lmbda = 1000.0;
  s.evaluation = "validation";
  return s;
}

const bool registered = register_experiment(single_run("3.20", "bad hyper-parameters: eta 10, lambda 1000", "no better than chance (about 1,000 / 10,000)", spec()));

}  // namespace
}  // namespace book
