#include "nn/layers_recurrent.hpp"

#include <cmath>

#include "nn/init.hpp"
#include "ops/api.hpp"
#include "ops/scan.hpp"

namespace nabla::nn {

namespace {

void check_sizes(int64_t n_in, int64_t n_hidden, const std::string& what) {
  if (n_in <= 0 || n_hidden <= 0)
    throw ValueError("nabla: " + what + ": sizes must be positive, got n_in " + std::to_string(n_in) +
                     " and n_hidden " + std::to_string(n_hidden));
}

// x (T, batch, n_in) -> x W^T + b as (T, batch, rows): one GEMM over all steps.
Var input_product(const Var& x, const Var& W, const Var& b, const std::string& layer) {
  if (x.rank() != 3)
    throw ShapeError("nabla: " + layer + " expects a sequence batch (T, batch, n_in), got " + x.type().str() +
                     " from " + x.label());
  Var flat = reshape(x, {Dim(int64_t(-1)), Dim(x.shape()[2] >= 0 ? x.shape()[2] : W.shape()[1])});
  Var z = matmul(flat, W, false, true) + b;
  return reshape(z, {Dim(shape_i(x, 0)), Dim(shape_i(x, 1)), Dim(W.shape()[0])});
}

Var zero_state(const Var& x, int64_t n_hidden) {
  return full({Dim(shape_i(x, 1)), Dim(n_hidden)}, 0.0, x.dtype());
}

void draw_uniform(Var& v, double bound, Rng& rng) {
  Tensor t(v.dtype(), v.shape());
  for (int64_t i = 0; i < t.size(); ++i) t.set(i, rng.uniform(-bound, bound));
  v.set_value(t);
}

}  // namespace

Recurrent::Recurrent(int64_t n_in, int64_t n_hidden, int64_t rows, const std::string& what, const std::string& name)
    : n_in_(n_in), n_hidden_(n_hidden) {
  check_sizes(n_in, n_hidden, what + " '" + name + "'");
  W = shared(Tensor::zeros(floatX, {rows, n_in}), name + ".W");
  U = shared(Tensor::zeros(floatX, {rows, n_hidden}), name + ".U");
  b = shared(Tensor::zeros(floatX, {rows}), name + ".b");
}

Paths Recurrent::apply(const Paths& input, LayerContext&) {
  in = input;
  out.eval = (*this)(input.eval);
  out.train = input.train.same(input.eval) ? out.eval : (*this)(input.train);
  return out;
}

void Recurrent::initialize(Rng& rng, Init init) {
  if (init == Init::Zeros) return;
  const double bound = 1.0 / std::sqrt(double(n_hidden_));
  draw_uniform(W, bound, rng);
  draw_uniform(U, bound, rng);
  b.set_value(initial_bias());
}

Tensor Recurrent::initial_bias() const { return Tensor::zeros(floatX, b.shape()); }

Elman::Elman(int64_t n_in, int64_t n_hidden, Activation act, const std::string& name)
    : Recurrent(n_in, n_hidden, n_hidden, "Elman", name), act_(act) {}

Var Elman::operator()(const Var& x) const {
  const Var xw = input_product(x, W, b, describe());
  const Activation act = act_;
  const Var U_ = U;
  ScanResult r = scan([act, U_](const std::vector<Var>& a) {
    return std::vector<Var>{activate(act, a[0] + matmul(a[1], U_, false, true))};
  }, {xw}, {zero_state(x, n_hidden_)});
  return r.outputs[0];
}

std::string Elman::describe() const {
  return "Elman(" + std::to_string(n_in_) + " -> " + std::to_string(n_hidden_) + ", " + activation_name(act_) + ")";
}

LSTM::LSTM(int64_t n_in, int64_t n_hidden, const std::string& name)
    : Recurrent(n_in, n_hidden, 4 * n_hidden, "LSTM", name) {}

Var LSTM::operator()(const Var& x) const {
  const Var xw = input_product(x, W, b, describe());
  const int64_t H = n_hidden_;
  const Var U_ = U;
  auto gate = [H](const Var& z, int k) {
    return subtensor(z, {Index::all(), Index::slice(Bound(k * H), Bound((k + 1) * H))});
  };
  ScanResult r = scan([=](const std::vector<Var>& a) {
    const Var z = a[0] + matmul(a[1], U_, false, true);
    const Var i = sigmoid(gate(z, 0)), f = sigmoid(gate(z, 1)), o = sigmoid(gate(z, 2)), g = tanh(gate(z, 3));
    const Var c = f * a[2] + i * g;
    return std::vector<Var>{o * tanh(c), c};
  }, {xw}, {zero_state(x, H), zero_state(x, H)});
  return r.outputs[0];
}

Tensor LSTM::initial_bias() const {
  Tensor bias = Tensor::zeros(floatX, {4 * n_hidden_});
  for (int64_t j = n_hidden_; j < 2 * n_hidden_; ++j) bias.set(j, 1.0);  // remember by default
  return bias;
}

std::string LSTM::describe() const {
  return "LSTM(" + std::to_string(n_in_) + " -> " + std::to_string(n_hidden_) + ")";
}

}  // namespace nabla::nn
