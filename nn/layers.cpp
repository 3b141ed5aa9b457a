#include "nn/layers.hpp"

#include <cmath>

#include "core/error.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

FullyConnected::FullyConnected(int64_t n_in, int64_t n_out, Activation act, Rng& rng, Init init,
                               const std::string& name)
    : n_in_(n_in), n_out_(n_out), act_(act) {
  if (n_in <= 0 || n_out <= 0)
    throw ValueError("nabla: FullyConnected '" + name + "': sizes must be positive, got n_in=" +
                     std::to_string(n_in) + ", n_out=" + std::to_string(n_out));
  W = shared(Tensor::zeros(floatX, {n_out, n_in}), name + ".W");
  b = shared(Tensor::zeros(floatX, {n_out}), name + ".b");
  initialize(init, rng);
}

Var FullyConnected::weighted_input(const Var& x) const { return matmul(x, W, false, true) + b; }

Var FullyConnected::operator()(const Var& x) const { return activate(act_, weighted_input(x)); }

void FullyConnected::initialize(Init init, Rng& rng) {
  switch (init) {
    case Init::Zeros:
      W.set_value(Tensor::zeros(floatX, {n_out_, n_in_}));
      b.set_value(Tensor::zeros(floatX, {n_out_}));
      return;
    case Init::Default:
    case Init::Large: {
      // network2 draws biases before weights; so do we (the streams differ anyway).
      b.set_value(normal({n_out_}, 0.0, 1.0, rng));
      const double w_std = init == Init::Default ? 1.0 / std::sqrt(double(n_in_)) : 1.0;
      W.set_value(normal({n_out_, n_in_}, 0.0, w_std, rng));
      return;
    }
  }
}

}  // namespace nabla::nn
