// 6.10 — dropout: 6.6's conv layers, FC 640 -> 1000 and 1000 -> 1000 (ReLU) and softmax, each
// with p_dropout 0.5 on its inputs, expanded data, 40 epochs, eta 0.03, no L2. Book: 99.60%.
#include "exp_6_common.hpp"

namespace book {

Network3Spec dropout_net() {
  using nabla::nn::Activation;
  Network3Spec s;
  s.label = "2 conv-pool + FC 1000 + FC 1000, dropout 0.5, expanded data";
  s.architecture = "6.6's conv layers, FullyConnectedLayer(640, 1000, ReLU, p_dropout 0.5), "
                   "FullyConnectedLayer(1000, 1000, ReLU, p_dropout 0.5), SoftmaxLayer(1000, 10, p_dropout 0.5)";
  s.layers = [](int64_t m) {
    Layers3 l = conv2(m, Activation::ReLU);
    l.push_back(fully_connected(640, 1000, Activation::ReLU, 0.5));
    l.push_back(fully_connected(1000, 1000, Activation::ReLU, 0.5));
    l.push_back(softmax_layer(1000, 10, 0.5));
    return l;
  };
  s.epochs = 40;
  s.eta = 0.03;
  s.lmbda = 0.0;
  s.expanded = true;
  return s;
}

namespace {

const bool registered = register_experiment(network3_experiment(
    "6.10", "dropout 0.5 on two FC layers of 1000 + softmax, expanded data, 40 epochs", "99.60%", {dropout_net()}));

}  // namespace
}  // namespace book
