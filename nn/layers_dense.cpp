// FullyConnected and Softmax, and the initializer every layer shares.
#include <cmath>
#include <cstdio>

#include "core/error.hpp"
#include "nn/layers.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

namespace {

void check_sizes(int64_t n_in, int64_t n_out, double p, const std::string& who) {
  if (n_in <= 0 || n_out <= 0)
    throw ValueError("nabla: " + who + ": sizes must be positive, got n_in=" + std::to_string(n_in) +
                     ", n_out=" + std::to_string(n_out));
  if (!(p >= 0.0 && p < 1.0)) throw ValueError("nabla: " + who + ": p_dropout must be in [0, 1), got " + std::to_string(p));
}

}  // namespace

void initialize_parameters(Var& w, Var& b, Init init, double fan_in, double network3_fan, Rng& rng) {
  const Shape ws = w.value_ref().shape(), bs = b.value_ref().shape();
  switch (init) {
    case Init::Zeros:
      w.set_value(Tensor::zeros(w.dtype(), ws));
      b.set_value(Tensor::zeros(b.dtype(), bs));
      return;
    case Init::Default:
    case Init::Large:
      // network2 draws biases before weights.
      b.set_value(normal(bs, 0.0, 1.0, rng, b.dtype()));
      w.set_value(normal(ws, 0.0, init == Init::Default ? 1.0 / std::sqrt(fan_in) : 1.0, rng, w.dtype()));
      return;
    case Init::Network3:
      // network3 draws weights first.
      w.set_value(normal(ws, 0.0, std::sqrt(1.0 / network3_fan), rng, w.dtype()));
      b.set_value(normal(bs, 0.0, 1.0, rng, b.dtype()));
      return;
  }
}

FullyConnected::FullyConnected(int64_t n_in, int64_t n_out, Activation act, double p_dropout, const std::string& name)
    : n_in_(n_in), n_out_(n_out), act_(act), p_dropout_(p_dropout) {
  check_sizes(n_in, n_out, p_dropout, "FullyConnected '" + name + "'");
  W = shared(Tensor::zeros(floatX, {n_out, n_in}), name + ".W");
  b = shared(Tensor::zeros(floatX, {n_out}), name + ".b");
}

FullyConnected::FullyConnected(int64_t n_in, int64_t n_out, Activation act, Rng& rng, Init init,
                               const std::string& name)
    : FullyConnected(n_in, n_out, act, 0.0, name) {
  initialize(rng, init);
}

Var FullyConnected::weighted_input(const Var& x) const { return matmul(x, W, false, true) + b; }

Var FullyConnected::operator()(const Var& x) const {
  Var z = matmul(x, W, false, true);
  if (p_dropout_ != 0.0) z = (1.0 - p_dropout_) * z;
  return activate(act_, z + b);
}

Paths FullyConnected::apply(const Paths& input, LayerContext& ctx) {
  // Rows of n_in: flattens a conv layer's maps, and with a known batch gives
  // every shape downstream a static size.
  auto rows = [&](const Var& x) {
    const bool fits = x.rank() == 2 && x.shape()[1] == n_in_ && (ctx.batch < 0 || x.shape()[0] == ctx.batch);
    return fits ? x : reshape(x, {ctx.batch, n_in_});
  };
  const bool one_path = input.train.same(input.eval) && p_dropout_ == 0.0;
  in.eval = rows(input.eval);
  in.train = one_path ? in.eval : dropout(rows(input.train), p_dropout_, ctx);
  out.eval = (*this)(in.eval);
  out.train = one_path ? out.eval : activate(act_, weighted_input(in.train));
  return out;
}

void FullyConnected::initialize(Rng& rng, Init init) {
  initialize_parameters(W, b, init, double(n_in_), double(n_out_), rng);
}

std::string FullyConnected::describe() const {
  char p[32] = "";
  if (p_dropout_ != 0.0) std::snprintf(p, sizeof p, ", p_dropout %g", p_dropout_);
  const bool softmax_kind = kind_ == "Softmax";
  return kind_ + "(" + std::to_string(n_in_) + " -> " + std::to_string(n_out_) +
         (softmax_kind ? "" : std::string(", ") + activation_name(act_)) + p + ")";
}

Softmax::Softmax(int64_t n_in, int64_t n_out, double p_dropout, Init init, const std::string& name)
    : FullyConnected(n_in, n_out, Activation::Softmax, p_dropout, name), own_init_(init) {
  kind_ = "Softmax";
}

void Softmax::initialize(Rng& rng, Init) { FullyConnected::initialize(rng, own_init_); }

}  // namespace nabla::nn
