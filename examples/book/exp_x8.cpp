// X8 — exercise: early stopping, no-improvement-in-10
// Book: no run in the book
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec spec() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.init = nabla::nn::Init::Default;
  s.eta = 0.5;
  s.lmbda = 5.0;
  s.epochs = 100;  // an upper bound: early stopping ends the run
  s.evaluation = "validation";
  s.early_stopping = 10;
  return s;
}

const bool registered = register_experiment(single_run("X8", "exercise: early stopping, no-improvement-in-10", "no run in the book", spec()));

}  // namespace
}  // namespace book
