// 6.4 — two conv-pool layers (20 maps of 5x5, then 40 maps of 5x5 over the 20 pooled maps),
// FC 640 -> 100, softmax, sigmoid, 60 epochs, eta 0.1. Book: 99.06%.
#include "exp_6_common.hpp"

namespace book {
namespace {

using nabla::nn::Activation;

Network3Spec spec() {
  Network3Spec s;
  s.label = "2 conv-pool + FC 100 (sigmoid)";
  s.architecture = "ConvPoolLayer((20,1,5,5), (10,1,28,28)), ConvPoolLayer((40,20,5,5), (10,20,12,12)), "
                   "FullyConnectedLayer(640, 100), SoftmaxLayer(100, 10)";
  s.layers = [](int64_t m) {
    Layers3 l = conv2(m, Activation::Sigmoid);
    l.push_back(fully_connected(40 * 4 * 4, 100, Activation::Sigmoid));
    l.push_back(softmax_layer(100, 10));
    return l;
  };
  return s;
}

const bool registered = register_experiment(
    network3_experiment("6.4", "two conv-pool layers + FC 100 + softmax (sigmoid)", "99.06%", {spec()}));

}  // namespace
}  // namespace book
