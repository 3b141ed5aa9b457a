// 6.3 — the exercise "omit the fully connected layer": conv-pool straight into softmax 2880 -> 10
// (conv.py's omit_FC), otherwise as 6.2. The book gives no number.
#include "exp_6_common.hpp"

namespace book {
namespace {

using nabla::nn::Activation;

Network3Spec spec() {
  Network3Spec s;
  s.label = "conv 20x5x5 + pool, no FC";
  s.architecture = "ConvPoolLayer((20,1,5,5), (10,1,28,28), (2,2)), SoftmaxLayer(2880, 10)";
  s.layers = [](int64_t m) {
    Layers3 l = conv1(m, Activation::Sigmoid);
    l.push_back(softmax_layer(20 * 12 * 12, 10));
    return l;
  };
  return s;
}

const bool registered = register_experiment(
    network3_experiment("6.3", "conv-pool + softmax, no FC layer (exercise)", "no number (exercise)", {spec()}));

}  // namespace
}  // namespace book
