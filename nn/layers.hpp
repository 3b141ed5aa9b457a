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

// a = act(x W + b) for x of shape (batch, n_in). W is stored (n_in, n_out) so the
// forward product is one plain GEMM; network2's JSON stores its transpose
// (n_out, n_in) and save/load convert.
class FullyConnected {
 public:
  FullyConnected(int64_t n_in, int64_t n_out, Activation act, Rng& rng, Init init = Init::Default,
                 const std::string& name = "fc");

  Var weighted_input(const Var& x) const;  // z = x W + b
  Var operator()(const Var& x) const;      // act(z)

  // Draws new values for W and b (shapes unchanged; compiled functions see them).
  void initialize(Init init, Rng& rng);

  std::vector<Var> params() const { return {W, b}; }
  std::vector<Var> weights() const { return {W}; }  // what L2/L1 penalize
  int64_t n_in() const { return n_in_; }
  int64_t n_out() const { return n_out_; }
  Activation activation() const { return act_; }

  Var W;  // shared, (n_in, n_out)
  Var b;  // shared, (n_out,)

 private:
  int64_t n_in_, n_out_;
  Activation act_;
};

}  // namespace nabla::nn
