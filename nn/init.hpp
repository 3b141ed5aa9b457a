// Initial values for parameters, from a seeded generator so runs reproduce.
#pragma once
#include <cstdint>
#include <random>

#include "core/tensor.hpp"

namespace nabla::nn {

// The one random generator an experiment threads through initialization and
// shuffling. Same seed, same run.
class Rng {
 public:
  explicit Rng(uint64_t seed = 12345678) : engine_(seed) {}
  void seed(uint64_t s) { engine_.seed(s); }
  std::mt19937_64& engine() { return engine_; }
  double normal(double mean = 0.0, double std = 1.0);
  double uniform(double lo = 0.0, double hi = 1.0);
  // Fisher-Yates permutation of 0..n-1.
  std::vector<int64_t> permutation(int64_t n);

 private:
  std::mt19937_64 engine_;
};

// A tensor of N(mean, std) samples.
Tensor normal(const Shape& shape, double mean, double std, Rng& rng, DType dtype = floatX);

// The one initializer vocabulary of every layer, for a layer with fan-in n_in
// (inputs per output unit: n_in for a dense layer, channels*fh*fw for a conv):
//   Default  (network2): weights N(0, 1/sqrt(n_in)), biases N(0, 1); biases drawn first
//   Large    (network.py, "large_weight_initializer"): weights and biases N(0, 1)
//   Zeros:   everything 0 (network3's softmax layer)
//   Network3 (network3.py): weights N(0, sqrt(1/n_out)) with network3's n_out (a dense
//            layer's outputs; a conv layer's n_filters*fh*fw / pool area, the book's
//            acknowledged slip), biases N(0, 1); weights drawn first, as network3
enum class Init { Default, Large, Zeros, Network3 };
const char* init_name(Init init);
Init init_from_name(const std::string& name);  // "default" | "large" | "zeros" | "network3"

}  // namespace nabla::nn
