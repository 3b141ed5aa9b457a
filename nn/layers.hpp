// Layers: small classes that own shared parameters and map an input
// expression to an output expression. No hand-written backprop anywhere: grad()
// differentiates what the layer built.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/var.hpp"
#include "nn/activation.hpp"
#include "nn/init.hpp"

namespace nabla::nn {

// a = act(x W^T + b) for x of shape (batch, n_in). W is stored (n_out, n_in), as
// network2 stores it (its JSON holds W as is). The forward product is one GEMM
// reading W transposed, which OpenBLAS runs faster for the book's shapes than
// x @ W with W (n_in, n_out): at mini-batch 10, 784 -> 30 takes 4.4 us against
// 6.1, and the weight gradient and the backpropagated error get cheaper too.
class FullyConnected {
 public:
  FullyConnected(int64_t n_in, int64_t n_out, Activation act, Rng& rng, Init init = Init::Default,
                 const std::string& name = "fc");

  Var weighted_input(const Var& x) const;  // z = x W^T + b
  Var operator()(const Var& x) const;      // act(z)

  // Draws new values for W and b (shapes unchanged; compiled functions see them).
  void initialize(Init init, Rng& rng);

  std::vector<Var> params() const { return {W, b}; }
  std::vector<Var> weights() const { return {W}; }  // what L2/L1 penalize
  int64_t n_in() const { return n_in_; }
  int64_t n_out() const { return n_out_; }
  Activation activation() const { return act_; }

  Var W;  // shared, (n_out, n_in)
  Var b;  // shared, (n_out,)

 private:
  int64_t n_in_, n_out_;
  Activation act_;
};

}  // namespace nabla::nn
