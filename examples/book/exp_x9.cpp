// X9 — exercise: halve eta on no-improvement-in-10, stop at eta/128
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
  s.epochs = 300;  // an upper bound: the schedule ends the run
  s.evaluation = "validation";
  s.schedule_patience = 10;
  return s;
}

const bool registered = register_experiment(single_run("X9", "exercise: halve eta on no-improvement-in-10, stop at eta/128", "no run in the book", spec()));

}  // namespace
}  // namespace book
