// Chapter 5's "speed of learning": for a network2-style sigmoid network with
// cross-entropy cost, the gradient of the cost averaged over a fixed set of
// training images with respect to each hidden layer's biases, delta^l = dC/db^l,
// and its length ||delta^l||. Everything comes from nabla's grad w.r.t. the
// biases; no special code path. Shared by experiments 5.5-5.7.
#pragma once
#include <vector>

#include "experiment.hpp"

namespace book {

// [784, 30, ..., 30, 10] with k hidden layers of 30, as chapter 5 uses.
inline std::vector<int64_t> hidden_layers(int k) {
  std::vector<int64_t> sizes{784};
  for (int i = 0; i < k; ++i) sizes.push_back(30);
  sizes.push_back(10);
  return sizes;
}

class SpeedOfLearning {
 public:
  // sizes e.g. {784, 30, 30, 10}; network2's default init from `seed`; the first
  // n images of `training` (as generate_gradient.py: the first 1,000).
  SpeedOfLearning(const std::vector<int64_t>& sizes, uint64_t seed, const nabla::nn::Split& training, int64_t n);

  // ||delta^l|| for each hidden layer at the current parameters.
  std::vector<double> norms();
  // delta^l itself for each hidden layer.
  std::vector<std::vector<double>> gradients();
  // One step of batch gradient descent over the n images (network2's update with
  // L2: w <- (1 - eta lmbda / n) w - eta dC/dw, b <- b - eta dC/db); returns the
  // norms at the parameters before the step, as generate_gradient.py records them.
  std::vector<double> step(double eta, double lmbda);

 private:
  nabla::nn::Network net_;
  int64_t n_;
  size_t hidden_;
  nabla::Function measure_, step_;
  nabla::Var eta_, decay_;  // shared scalars the step reads
};

}  // namespace book
