// 3.18 — weight initialization: the same [784,30,10] network from N(0,1) weights
// ("large") and from N(0,1/sqrt(n_in)) ("default"), as weight_initialization.py.
// Book: both end somewhat over 96%; after epoch 0 large is under 87%, default almost 93%.
#include "network2_run.hpp"

namespace book {
namespace {

Network2Spec base() {
  Network2Spec s;
  s.sizes = {784, 30, 10};
  s.eta = 0.1;
  s.lmbda = 5.0;
  s.evaluation = "validation";
  return s;
}

const bool registered = register_experiment(compare_runs(
    "3.18", "weight initialization: [784,30,10], large vs default",
    "both end over 96%; epoch 0: large < 87%, default ~93%", base(),
    {{"large", [](Network2Spec& s) { s.init = nabla::nn::Init::Large; }},
     {"default", [](Network2Spec& s) { s.init = nabla::nn::Init::Default; }}}));

}  // namespace
}  // namespace book
