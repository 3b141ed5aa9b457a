// Recurrent layers written with scan: Elman (a simple RNN) and LSTM. Both take a
// sequence batch (T, batch, n_in) and return every step's hidden state
// (T, batch, n_hidden); the state starts at zero. The input product x W^T + b of
// all steps is one GEMM outside the loop, so the step holds only the recurrent
// product. Weights are output-major as elsewhere in nn/: W (rows, n_in), U (rows,
// n_hidden), drawn uniform in +-1/sqrt(n_hidden).
#pragma once
#include <string>

#include "nn/activation.hpp"
#include "nn/layer.hpp"

namespace nabla::nn {

// What both layers share: W (rows, n_in), U (rows, n_hidden), b (rows,), the
// apply() of a layer without dropout, and the uniform draw.
class Recurrent : public Layer {
 public:
  virtual Var operator()(const Var& x) const = 0;  // (T, batch, n_in) -> (T, batch, n_hidden)
  Paths apply(const Paths& in, LayerContext& ctx) override;
  std::vector<Var> params() const override { return {W, U, b}; }
  std::vector<Var> weights() const override { return {W, U}; }
  void initialize(Rng& rng, Init init) override;
  int64_t n_in() const { return n_in_; }
  int64_t n_hidden() const { return n_hidden_; }

  Var W, U, b;

 protected:
  Recurrent(int64_t n_in, int64_t n_hidden, int64_t rows, const std::string& what, const std::string& name);
  virtual Tensor initial_bias() const;  // zeros
  int64_t n_in_, n_hidden_;
};

// h_t = act(x_t W^T + h_{t-1} U^T + b); W (H, n_in), U (H, H), b (H,).
class Elman : public Recurrent {
 public:
  Elman(int64_t n_in, int64_t n_hidden, Activation act = Activation::Tanh, const std::string& name = "elman");
  Var operator()(const Var& x) const override;
  std::string describe() const override;

 private:
  Activation act_;
};

// Gates in the order input, forget, output, candidate: z = x_t W^T + h U^T + b,
// i, f, o = sigmoid(z_i, z_f, z_o), g = tanh(z_g), c_t = f c + i g,
// h_t = o tanh(c_t); W (4H, n_in), U (4H, H), b (4H,). The forget gate's bias starts at 1.
class LSTM : public Recurrent {
 public:
  LSTM(int64_t n_in, int64_t n_hidden, const std::string& name = "lstm");
  Var operator()(const Var& x) const override;
  std::string describe() const override;

 private:
  Tensor initial_bias() const override;
};

}  // namespace nabla::nn
