// 6.1 — the shallow baseline of chapter 6 in network3: FC 784 -> 100 sigmoid, softmax 100 -> 10,
// 60 epochs, eta 0.1, mini-batch 10, no regularization. Book: 97.80% (best of 3 runs).
#include "exp_6_common.hpp"

namespace book {
namespace {

using nabla::nn::Activation;

Network3Spec spec() {
  Network3Spec s;
  s.label = "FC 100 + softmax";
  s.architecture = "FullyConnectedLayer(784, 100, sigmoid), SoftmaxLayer(100, 10)";
  s.layers = [](int64_t) {
    return Layers3{fully_connected(784, 100, Activation::Sigmoid), softmax_layer(100, 10)};
  };
  return s;
}

const bool registered = register_experiment(
    network3_experiment("6.1", "network3 shallow net: FC 100 + softmax, 60 epochs", "97.80%", {spec()}));

}  // namespace
}  // namespace book
