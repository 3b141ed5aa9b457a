// network2's Network: construction, parameters and evaluation (feedforward, accuracy,
// total_cost) through compiled functions run over blocks of rows.
#include "nn/book/network2.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "core/error.hpp"
#include "nn/book/network2_internal.hpp"
#include "ops/api.hpp"

namespace nabla::nn {

namespace {

// Rows per call of an evaluation function: large enough that per-call overhead
// vanishes, small enough that its buffers stay a few MB.
constexpr int64_t kChunkRows = 10000;

// f(rows, first, count) for consecutive blocks of x's rows. A matrix that fits
// in one block is passed as it is (no copy).
void for_each_chunk(const Tensor& x, const std::function<void(const Tensor&, int64_t, int64_t)>& f) {
  const int64_t n = x.shape()[0];
  if (n <= kChunkRows) return f(x, 0, n);
  const int64_t cols = x.shape()[1];
  Tensor block(x.dtype(), {kChunkRows, cols});
  Tensor tail;
  for (int64_t first = 0; first < n; first += kChunkRows) {
    const int64_t count = std::min(kChunkRows, n - first);
    Tensor& dst = count == kChunkRows ? block : (tail = Tensor(x.dtype(), {count, cols}));
    std::memcpy(dst.raw(), static_cast<const char*>(x.raw()) + size_t(first * cols) * dtype_size(x.dtype()),
                dst.nbytes());
    f(dst, first, count);
  }
}

}  // namespace

Var network_output(const std::vector<FullyConnected>& layers, const Var& x) {
  Var a = x;
  for (const FullyConnected& layer : layers) a = layer(a);
  return a;
}

Network::Network(std::vector<int64_t> sizes, Cost cost, uint64_t seed, Activation activation)
    : sizes_(std::move(sizes)), cost_(cost), activation_(activation), rng_(seed) {
  if (sizes_.size() < 2)
    throw ValueError("nabla: Network needs at least two layer sizes (input and output), got " +
                     std::to_string(sizes_.size()));
  for (size_t i = 0; i < sizes_.size(); ++i)
    if (sizes_[i] <= 0)
      throw ValueError("nabla: Network: sizes[" + std::to_string(i) + "] = " + std::to_string(sizes_[i]) +
                       " (layer sizes must be positive)");
  for (size_t i = 0; i + 1 < sizes_.size(); ++i) {
    // Log-likelihood pairs with a softmax output layer (the book's ch3/ch6 use).
    const bool last = i + 2 == sizes_.size();
    const Activation act = last && cost_ == Cost::LogLikelihood ? Activation::Softmax : activation_;
    layers_.emplace_back(sizes_[i], sizes_[i + 1], act, rng_, Init::Default, "layer" + std::to_string(i));
  }
  compiled_ = std::make_shared<Compiled>();
  compiled_->sgd = std::make_shared<optim::SGD>(0.0);
  compiled_->lmbda_over_n = shared(Tensor::scalar<float>(0.0f), "lmbda_over_n");
}

void Network::default_weight_initializer() {
  for (FullyConnected& layer : layers_) layer.initialize(Init::Default, rng_);
}

void Network::large_weight_initializer() {
  for (FullyConnected& layer : layers_) layer.initialize(Init::Large, rng_);
}

std::vector<Var> Network::params() const {
  std::vector<Var> p;
  for (const FullyConnected& layer : layers_)
    for (const Var& v : layer.params()) p.push_back(v);
  return p;
}

std::vector<Var> Network::weights() const {
  std::vector<Var> w;
  for (const FullyConnected& layer : layers_) w.push_back(layer.W);
  return w;
}

Tensor Network::feedforward(const Tensor& x) {
  const int64_t n_in = sizes_.front(), n_out = sizes_.back();
  const bool one_row = x.defined() && x.rank() == 1;
  if (!x.defined() || x.dtype() != DType::Float32 || (x.rank() != 2 && !one_row) ||
      x.shape()[x.rank() - 1] != n_in)
    throw ShapeError("nabla: Network::feedforward needs float32 input of shape (n, " + std::to_string(n_in) +
                     ") or (" + std::to_string(n_in) + ",), got " +
                     (x.defined() ? std::string(dtype_name(x.dtype())) + x.shape().str() : "an empty tensor"));
  Tensor rows = x;
  if (one_row) rows = x.view(Shape{1, n_in});  // keeps x's offset if x is itself a view
  Compiled& c = *compiled_;
  if (!c.forward) {
    Var in = input(DType::Float32, Shape{-1, n_in}, "x");
    c.forward = function({in}, {network_output(layers_, in)});
  }
  Tensor out(DType::Float32, {rows.shape()[0], n_out});
  for_each_chunk(rows, [&](const Tensor& block, int64_t first, int64_t count) {
    const Tensor& a = (*c.forward)({block})[0];
    std::memcpy(out.data<float>() + first * n_out, a.raw(), a.nbytes());
  });
  if (one_row) out = out.view(Shape{n_out});
  return out;
}

int64_t Network::accuracy(const Split& data) {
  detail::check_split(data, sizes_.front(), sizes_.back(), "accuracy data");
  Compiled& c = *compiled_;
  if (!c.predict) {
    Var in = input(DType::Float32, Shape{-1, sizes_.front()}, "x");
    c.predict = function({in}, {argmax(network_output(layers_, in), 1)});
  }
  int64_t correct = 0;
  for_each_chunk(data.x, [&](const Tensor& block, int64_t first, int64_t count) {
    const int64_t* guess = (*c.predict)({block})[0].data<int64_t>();
    for (int64_t i = 0; i < count; ++i) correct += guess[i] == data.y.iat(first + i);
  });
  return correct;
}

double Network::total_cost(const Split& data, double lmbda, Regularization regularization) {
  detail::check_split(data, sizes_.front(), sizes_.back(), "total_cost data");
  const int64_t n_in = sizes_.front(), n_out = sizes_.back();
  const bool labels = cost_ == Cost::LogLikelihood;
  Compiled& c = *compiled_;
  if (!c.mean_cost) {
    Var in = input(DType::Float32, Shape{-1, n_in}, "x");
    Var y = labels ? input(DType::Int32, Shape{-1}, "y") : input(DType::Float32, Shape{-1, n_out}, "y");
    c.mean_cost = function({in, y}, {cost_expr(cost_, network_output(layers_, in), y)});
  }
  if (!c.norms) c.norms = function({}, {l2_norm_squared(weights()), l1_norm(weights())});
  const double n = double(data.size());
  double total = 0;
  Tensor targets;
  for_each_chunk(data.x, [&](const Tensor& block, int64_t first, int64_t count) {
    if (labels) detail::gather_labels(data.y, nullptr, first, count, targets);
    else detail::gather_one_hot(data.y, nullptr, first, count, n_out, targets);
    total += (*c.mean_cost)({block, targets})[0].item() * double(count);
  });
  double cost = total / n;
  if (lmbda != 0) {
    // network2 divides the penalty by the size of the set evaluated here.
    const auto& norms = (*c.norms)();
    cost += regularization == Regularization::L2 ? 0.5 * (lmbda / n) * norms[0].item() : (lmbda / n) * norms[1].item();
  }
  return cost;
}

}  // namespace nabla::nn
