// 6.2 — one conv-pool layer (20 maps of 5x5, 2x2 max-pool) before FC 100 and softmax, sigmoid,
// 60 epochs, eta 0.1, mini-batch 10. Book: 98.78% (best of 3 runs). Also the bench workload.
#include "exp_6_common.hpp"

namespace book {
namespace {

using nabla::nn::Activation;

Network3Spec spec() {
  Network3Spec s;
  s.label = "conv 20x5x5 + pool + FC 100";
  s.architecture = "ConvPoolLayer((20,1,5,5), (10,1,28,28), (2,2)), FullyConnectedLayer(2880, 100), SoftmaxLayer(100, 10)";
  s.layers = [](int64_t m) {
    Layers3 l = conv1(m, Activation::Sigmoid);
    l.push_back(fully_connected(20 * 12 * 12, 100, Activation::Sigmoid));
    l.push_back(softmax_layer(100, 10));
    return l;
  };
  return s;
}

const bool registered = register_experiment(
    network3_experiment("6.2", "conv-pool + FC 100 + softmax (sigmoid), 60 epochs", "98.78%", {spec()}));

}  // namespace
}  // namespace book
