// network3's three layer types: their parameters, initial values and the two
// paths set_inpt builds (evaluation and dropout).
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "nn/network3.hpp"

namespace nabla::nn {

namespace {

std::string shape4(const std::array<int64_t, 4>& s) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "(%lld,%lld,%lld,%lld)", (long long)s[0], (long long)s[1], (long long)s[2],
                (long long)s[3]);
  return buf;
}

void require_positive(int64_t v, const char* what, const std::string& layer) {
  if (v <= 0) throw ValueError("nabla: " + layer + ": " + what + " must be positive, got " + std::to_string(v));
}

void require_probability(double p, const std::string& layer) {
  if (!(p >= 0.0 && p < 1.0))
    throw ValueError("nabla: " + layer + ": p_dropout must be in [0, 1), got " + std::to_string(p));
}

// network3's dropout_layer: each element kept with probability 1 - p, no
// rescaling. p = 0 leaves x alone (network3 multiplies by an all-ones mask).
Var dropout(const Var& x, const Dims& shape, double p, RandomStreams& srng) {
  if (p == 0.0) return x;
  return x * srng.binomial(shape, 1, 1.0 - p, x.dtype());
}

Var as_weights(Tensor t, const std::string& name) { return shared(t, name); }

}  // namespace

const char* network3_init_name(Network3Init init) {
  return init == Network3Init::Network3 ? "network3" : "corrected";
}

Network3Init network3_init_from_name(const std::string& name) {
  if (name == "network3") return Network3Init::Network3;
  if (name == "corrected") return Network3Init::Corrected;
  throw ValueError("nabla: unknown network3 initialization '" + name + "' (known: network3, corrected)");
}

Var Layer3::accuracy(const Var& labels) const {
  if (!y_out.defined())
    throw ValueError("nabla: " + describe() + " has no y_out (only fully connected and softmax layers classify; "
                     "call set_inpt first)");
  return mean(cast(eq(labels, y_out), floatX));
}

// ---- ConvPoolLayer --------------------------------------------------------------

ConvPoolLayer::ConvPoolLayer(std::array<int64_t, 4> filter_shape_, std::array<int64_t, 4> image_shape_,
                             std::array<int64_t, 2> poolsize_, Activation activation_, bool flip_)
    : filter_shape(filter_shape_), image_shape(image_shape_), poolsize(poolsize_), activation(activation_),
      flip(flip_) {
  const std::string me = "ConvPoolLayer(filter " + shape4(filter_shape) + ", image " + shape4(image_shape) + ")";
  for (int64_t v : filter_shape) require_positive(v, "every filter_shape entry", me);
  for (int64_t v : image_shape) require_positive(v, "every image_shape entry", me);
  for (int64_t v : poolsize) require_positive(v, "every poolsize entry", me);
  if (filter_shape[1] != image_shape[1])
    throw ShapeError("nabla: " + me + ": the filters read " + std::to_string(filter_shape[1]) +
                     " input maps but the image has " + std::to_string(image_shape[1]));
  if (filter_shape[2] > image_shape[2] || filter_shape[3] > image_shape[3])
    throw ShapeError("nabla: " + me + ": the filters are larger than the image");
  w = as_weights(Tensor::zeros(floatX, {filter_shape[0], filter_shape[1], filter_shape[2], filter_shape[3]}), "conv.w");
  b = as_weights(Tensor::zeros(floatX, {filter_shape[0]}), "conv.b");
}

int64_t ConvPoolLayer::n_out() const {
  const int64_t h = (image_shape[2] - filter_shape[2] + 1) / poolsize[0];
  const int64_t wd = (image_shape[3] - filter_shape[3] + 1) / poolsize[1];
  return filter_shape[0] * h * wd;
}

void ConvPoolLayer::initialize(Rng& rng, Network3Init init) {
  const auto& f = filter_shape;
  const double fan = init == Network3Init::Network3
                         ? double(f[0] * f[2] * f[3]) / double(poolsize[0] * poolsize[1])  // network3's "n_out"
                         : double(f[1] * f[2] * f[3]);
  w.set_value(normal({f[0], f[1], f[2], f[3]}, 0.0, std::sqrt(1.0 / fan), rng));
  b.set_value(normal({f[0]}, 0.0, 1.0, rng));
}

void ConvPoolLayer::set_inpt(const Var& in, const Var&, int64_t mini_batch_size, RandomStreams&) {
  if (mini_batch_size != image_shape[0])
    throw ShapeError("nabla: " + describe() + ": image_shape's mini-batch " + std::to_string(image_shape[0]) +
                     " differs from the network's " + std::to_string(mini_batch_size));
  inpt = reshape(in, {image_shape[0], image_shape[1], image_shape[2], image_shape[3]});
  Var pooled = pool_2d(conv2d(inpt, w, flip), {int(poolsize[0]), int(poolsize[1])}, true);
  output = activate(activation, pooled + dimshuffle(b, {bcast, 0, bcast, bcast}));
  inpt_dropout = inpt;
  output_dropout = output;  // no dropout in the convolutional layers
  y_out = Var();
}

std::string ConvPoolLayer::describe() const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "(%lld,%lld)", (long long)poolsize[0], (long long)poolsize[1]);
  return "ConvPoolLayer(filter " + shape4(filter_shape) + ", image " + shape4(image_shape) + ", pool " + buf + ", " +
         activation_name(activation) + (flip ? "" : ", correlation") + ")";
}

// ---- FullyConnectedLayer ----------------------------------------------------------

FullyConnectedLayer::FullyConnectedLayer(int64_t n_in_, int64_t n_out_, Activation activation_, double p_dropout_)
    : n_in(n_in_), n_out(n_out_), activation(activation_), p_dropout(p_dropout_) {
  const std::string me = "FullyConnectedLayer(" + std::to_string(n_in) + ", " + std::to_string(n_out) + ")";
  require_positive(n_in, "n_in", me);
  require_positive(n_out, "n_out", me);
  require_probability(p_dropout, me);
  w = as_weights(Tensor::zeros(floatX, {n_in, n_out}), "fc.w");
  b = as_weights(Tensor::zeros(floatX, {n_out}), "fc.b");
}

void FullyConnectedLayer::initialize(Rng& rng, Network3Init init) {
  const double fan = double(init == Network3Init::Network3 ? n_out : n_in);
  w.set_value(normal({n_in, n_out}, 0.0, std::sqrt(1.0 / fan), rng));
  b.set_value(normal({n_out}, 0.0, 1.0, rng));
}

void FullyConnectedLayer::set_inpt(const Var& in, const Var& in_dropout, int64_t m, RandomStreams& srng) {
  inpt = reshape(in, {m, n_in});
  Var z = dot(inpt, w);
  if (p_dropout != 0.0) z = (1.0 - p_dropout) * z;
  output = activate(activation, z + b);
  y_out = argmax(output, 1);
  inpt_dropout = dropout(reshape(in_dropout, {m, n_in}), {m, n_in}, p_dropout, srng);
  output_dropout = activate(activation, dot(inpt_dropout, w) + b);
}

std::string FullyConnectedLayer::describe() const {
  char p[32] = "";
  if (p_dropout != 0.0) std::snprintf(p, sizeof p, ", p_dropout %g", p_dropout);
  return "FullyConnectedLayer(" + std::to_string(n_in) + " -> " + std::to_string(n_out) + ", " +
         activation_name(activation) + p + ")";
}

// ---- SoftmaxLayer -------------------------------------------------------------------

SoftmaxLayer::SoftmaxLayer(int64_t n_in_, int64_t n_out_, double p_dropout_)
    : n_in(n_in_), n_out(n_out_), p_dropout(p_dropout_) {
  const std::string me = "SoftmaxLayer(" + std::to_string(n_in) + ", " + std::to_string(n_out) + ")";
  require_positive(n_in, "n_in", me);
  require_positive(n_out, "n_out", me);
  require_probability(p_dropout, me);
  w = as_weights(Tensor::zeros(floatX, {n_in, n_out}), "softmax.w");
  b = as_weights(Tensor::zeros(floatX, {n_out}), "softmax.b");
}

void SoftmaxLayer::initialize(Rng&, Network3Init) {
  w.set_value(Tensor::zeros(floatX, {n_in, n_out}));
  b.set_value(Tensor::zeros(floatX, {n_out}));
}

void SoftmaxLayer::set_inpt(const Var& in, const Var& in_dropout, int64_t m, RandomStreams& srng) {
  inpt = reshape(in, {m, n_in});
  Var z = dot(inpt, w);
  if (p_dropout != 0.0) z = (1.0 - p_dropout) * z;
  output = softmax(z + b);
  y_out = argmax(output, 1);
  inpt_dropout = dropout(reshape(in_dropout, {m, n_in}), {m, n_in}, p_dropout, srng);
  output_dropout = softmax(dot(inpt_dropout, w) + b);
}

Var SoftmaxLayer::cost(const Var& labels) const {
  if (!output_dropout.defined()) throw ValueError("nabla: SoftmaxLayer::cost before set_inpt");
  return neg(mean(take2d(log(output_dropout), arange(Dim(shape_i(labels, 0))), labels)));
}

std::string SoftmaxLayer::describe() const {
  char p[32] = "";
  if (p_dropout != 0.0) std::snprintf(p, sizeof p, ", p_dropout %g", p_dropout);
  return "SoftmaxLayer(" + std::to_string(n_in) + " -> " + std::to_string(n_out) + p + ")";
}

}  // namespace nabla::nn
