// 3.5 — cross-entropy: [784,100,10], eta 0.5
// Book: 96.82% test accuracy
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 100, 10};
  s.init = nabla::nn::Init::Large;
  s.eta = 0.5;
  return s;
}

const bool registered = register_experiment(single_run("3.5", "cross-entropy: [784,100,10], eta 0.5", "96.82% test accuracy", spec()));

}  // namespace
}  // namespace book
