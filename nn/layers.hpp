// The layer library: dense (FullyConnected, and Softmax as its output-layer
// form), convolution, pooling and conv-pool. Every layer implements nn::Layer
// (nn/layer.hpp) and draws its values with the one Init vocabulary (nn/init.hpp).
//
// One weight layout, output-major everywhere: a dense W is (n_out, n_in) (as
// network2's JSON and PyTorch's Linear store it), conv filters are
// (n_filters, channels, fh, fw). The dense forward product is one GEMM reading W
// transposed, which OpenBLAS runs faster for the book's shapes than x @ W with W
// (n_in, n_out): at mini-batch 10, 784 -> 30 takes 4.4 us against 6.1, and the
// weight gradient and the backpropagated error get cheaper too.
//
// Dropout is an option of the dense layers, network3's way: the training path
// masks the layer's INPUTS (no rescaling) and the evaluation path scales the
// product by (1 - p).
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/var.hpp"
#include "nn/activation.hpp"
#include "nn/init.hpp"
#include "nn/layer.hpp"

namespace nabla::nn {

// a = act(x W^T + b) for x of shape (batch, n_in) (other ranks are flattened to
// that). W (n_out, n_in), b (n_out,).
class FullyConnected : public Layer {
 public:
  // Drawn now from rng with `init`.
  FullyConnected(int64_t n_in, int64_t n_out, Activation act, Rng& rng, Init init = Init::Default,
                 const std::string& name = "fc");
  // Zeros until initialize() (a network draws all its layers in order).
  explicit FullyConnected(int64_t n_in, int64_t n_out, Activation act = Activation::Sigmoid, double p_dropout = 0.0,
                          const std::string& name = "fc");

  Var weighted_input(const Var& x) const;  // z = x W^T + b
  Var operator()(const Var& x) const;      // act(z): the evaluation path on a (batch, n_in) x

  Paths apply(const Paths& in, LayerContext& ctx) override;
  std::vector<Var> params() const override { return {W, b}; }
  std::vector<Var> weights() const override { return {W}; }
  void initialize(Rng& rng, Init init) override;
  void initialize(Init init, Rng& rng) { initialize(rng, init); }
  std::string describe() const override;

  int64_t n_in() const { return n_in_; }
  int64_t n_out() const { return n_out_; }
  Activation activation() const { return act_; }
  double p_dropout() const { return p_dropout_; }

  Var W;  // shared, (n_out, n_in)
  Var b;  // shared, (n_out,)

 protected:
  int64_t n_in_, n_out_;
  Activation act_;
  double p_dropout_;
  std::string kind_ = "FullyConnected";
};

// The softmax output layer (network3's SoftmaxLayer): a FullyConnected with a
// softmax activation whose values start at zero whatever Init the network draws
// with (pass another `init` to change that).
class Softmax : public FullyConnected {
 public:
  explicit Softmax(int64_t n_in, int64_t n_out, double p_dropout = 0.0, Init init = Init::Zeros,
                   const std::string& name = "softmax");
  using FullyConnected::initialize;  // keeps the (Init, Rng&) spelling visible
  void initialize(Rng& rng, Init) override;

 private:
  Init own_init_;
};

// Valid 2-D convolution: act(conv2d(x, w) + b). image_shape = (batch, channels,
// H, W) with batch -1 for any; filter_shape = (n_filters, channels, fh, fw).
// flip = true is Theano's conv2d (kernel flipped), false a cross-correlation.
class Conv2D : public Layer {
 public:
  Conv2D(std::array<int64_t, 4> filter_shape, std::array<int64_t, 4> image_shape,
         Activation activation = Activation::Linear, bool flip = true, const std::string& name = "conv");
  Paths apply(const Paths& in, LayerContext& ctx) override;
  std::vector<Var> params() const override { return {w, b}; }
  std::vector<Var> weights() const override { return {w}; }
  void initialize(Rng& rng, Init init) override;
  std::string describe() const override;
  std::array<int64_t, 4> output_shape() const;  // (batch, n_filters, H - fh + 1, W - fw + 1)

  Var w, b;  // shared: w filter_shape, b (n_filters,)
  std::array<int64_t, 4> filter_shape, image_shape;
  Activation activation;
  bool flip;
};

// Max-pooling over poolsize windows of a (batch, maps, H, W) input; a border
// that does not fill a window is dropped. No parameters.
class MaxPool2D : public Layer {
 public:
  explicit MaxPool2D(std::array<int64_t, 2> poolsize = {2, 2});
  Paths apply(const Paths& in, LayerContext& ctx) override;
  std::vector<Var> params() const override { return {}; }
  std::string describe() const override;
  std::array<int64_t, 2> poolsize;
};

// network3's ConvPoolLayer: act(max_pool(conv2d(x, w)) + b), pooling before
// bias and activation. Under Init::Network3 the weights' scale uses network3's
// n_out = n_filters * fh * fw / pool area.
class ConvPool : public Conv2D {
 public:
  ConvPool(std::array<int64_t, 4> filter_shape, std::array<int64_t, 4> image_shape,
           std::array<int64_t, 2> poolsize = {2, 2}, Activation activation = Activation::Sigmoid, bool flip = true,
           const std::string& name = "convpool");
  Paths apply(const Paths& in, LayerContext& ctx) override;
  void initialize(Rng& rng, Init init) override;
  std::string describe() const override;
  // (n_filters, pooled H, pooled W) flattened: what the next dense layer's n_in must be.
  int64_t n_out() const;
  std::array<int64_t, 2> poolsize;
};

// Draws w and b per `init` (see nn/init.hpp): fan_in for Default, network3_fan
// for Network3. For custom layers too.
void initialize_parameters(Var& w, Var& b, Init init, double fan_in, double network3_fan, Rng& rng);

}  // namespace nabla::nn
