// 6.5 — the problem "use tanh": 6.4's network with tanh in the conv and FC layers, same eta.
// The book gives no number ("tanh networks train a little faster, but the final accuracies are
// very similar"); compare the per-epoch curve with 6.4's (scripts/plot_ch6.py).
#include "exp_6_common.hpp"

namespace book {
namespace {

using nabla::nn::Activation;

Network3Spec spec() {
  Network3Spec s;
  s.label = "2 conv-pool + FC 100 (tanh)";
  s.architecture = "6.4 with activation_fn=tanh in ConvPoolLayer and FullyConnectedLayer";
  s.layers = [](int64_t m) {
    Layers3 l = conv2(m, Activation::Tanh);
    l.push_back(fully_connected(40 * 4 * 4, 100, Activation::Tanh));
    l.push_back(softmax_layer(100, 10));
    return l;
  };
  return s;
}

const bool registered = register_experiment(network3_experiment(
    "6.5", "6.4 with tanh (problem)", "no number; 'very similar' to sigmoid, trains a little faster", {spec()}));

}  // namespace
}  // namespace book
