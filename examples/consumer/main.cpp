// Uses an installed nabla: builds a graph, asks for its gradient, compiles and
// runs it, and checks the result against the derivative written by hand.
#include <cmath>
#include <cstdio>

#include "nabla.hpp"

int main() {
  using namespace nabla;
  Var x = vector("x");
  Var cost = sum(tanh(x) * x);
  Function f = function({x}, {cost, grad(cost, {x})[0]});
  Tensor xs = Tensor::from<float>({-1.0f, 0.5f, 2.0f}, {3});
  const auto& out = f({xs});
  double worst = 0;
  for (int64_t i = 0; i < 3; ++i) {
    const double v = xs.at(i), t = std::tanh(v);
    worst = std::fmax(worst, std::fabs(out[1].at(i) - (t + v * (1 - t * t))));
  }
  std::printf("consumer: cost %.6f, steps %zu\n", out[0].item(), f.stats().steps);
  if (worst > 1e-5) {
    std::printf("consumer: grad WRONG by %g\n", worst);
    return 1;
  }
  std::printf("consumer: grad ok\n");
  return 0;
}
