// 6.6 — 6.4's network with rectified linear units, eta 0.03, lambda 0.1 (network3's L2:
// 0.5 lambda sum w^2 / num_training_batches on the mini-batch mean), 60 epochs. Book: 99.23%.
#include "exp_6_common.hpp"

namespace book {

Network3Spec relu_double_conv(int64_t hidden) {
  using nabla::nn::Activation;
  Network3Spec s;
  s.label = "2 conv-pool + FC " + std::to_string(hidden) + " (ReLU)";
  s.architecture = "ConvPoolLayer((20,1,5,5), (10,1,28,28), ReLU), ConvPoolLayer((40,20,5,5), (10,20,12,12), ReLU), "
                   "FullyConnectedLayer(640, " + std::to_string(hidden) + ", ReLU), SoftmaxLayer(" +
                   std::to_string(hidden) + ", 10)";
  s.layers = [hidden](int64_t m) {
    Layers3 l = conv2(m, Activation::ReLU);
    l.push_back(fully_connected(40 * 4 * 4, hidden, Activation::ReLU));
    l.push_back(softmax_layer(hidden, 10));
    return l;
  };
  s.eta = 0.03;
  s.lmbda = 0.1;
  return s;
}

namespace {

const bool registered = register_experiment(network3_experiment(
    "6.6", "two conv-pool layers + FC 100, ReLU, eta 0.03, lambda 0.1", "99.23%", {relu_double_conv(100)}));

}  // namespace
}  // namespace book
