// Network3: wiring the layers, the regularized cost, and network3's compiled
// functions of a mini-batch index over data held in shared variables.
#include "nn/network3.hpp"

#include "core/error.hpp"
#include "core/grad.hpp"

namespace nabla::nn {

namespace {

void check_split_shape(const Split& data, const std::string& name) {
  if (!data.x.defined() || data.x.rank() != 2 || data.x.dtype() != DType::Float32)
    throw ValueError("nabla: " + name + ": x must be float32 (n, pixels)");
  if (!data.y.defined() || data.y.rank() != 1 || !is_integer(data.y.dtype()) || data.y.shape()[0] != data.x.shape()[0])
    throw ValueError("nabla: " + name + ": y must hold one integer label per row of x");
}

// x[i*m:(i+1)*m] and y[i*m:(i+1)*m] for the index i.
Givens batch_givens(const Var& x, const Var& y, const SharedSplit& data, const Var& i, int64_t m, bool labels) {
  Var mm = constant(double(m), DType::Int64);
  Var start = i * mm, stop = (i + constant(1.0, DType::Int64)) * mm;
  Givens g{{x, slice(data.x, start, stop)}};
  if (labels) g.push_back({y, slice(data.y, start, stop)});
  return g;
}

}  // namespace

SharedSplit shared_split(const Split& data, const std::string& name) {
  check_split_shape(data, name);
  SharedSplit s;
  s.x = shared(data.x, name + ".x");
  s.y = shared(data.y.dtype() == DType::Int32 ? data.y : data.y.astype(DType::Int32), name + ".y");
  s.size = data.size();
  return s;
}

Network3::Network3(std::vector<std::shared_ptr<Layer3>> layers, int64_t mini_batch_size, uint64_t seed,
                   Network3Init init)
    : layers_(std::move(layers)), mini_batch_size_(mini_batch_size), srng_(seed ^ 0x5EEDD20B0u) {
  if (layers_.empty()) throw ValueError("nabla: Network3 needs at least one layer");
  for (size_t k = 0; k < layers_.size(); ++k)
    if (!layers_[k]) throw ValueError("nabla: Network3: layer " + std::to_string(k) + " is null");
  if (mini_batch_size <= 0)
    throw ValueError("nabla: Network3: mini_batch_size must be positive, got " + std::to_string(mini_batch_size));
  if (!dynamic_cast<SoftmaxLayer*>(layers_.back().get()))
    throw ValueError("nabla: Network3: the last layer must be a SoftmaxLayer (its cost trains the net), got " +
                     layers_.back()->describe());
  x = matrix("x");
  y = ivector("y");
  layers_[0]->set_inpt(x, x, mini_batch_size_, srng_);
  for (size_t j = 1; j < layers_.size(); ++j) {
    const Layer3& prev = *layers_[j - 1];
    try {
      layers_[j]->set_inpt(prev.output, prev.output_dropout, mini_batch_size_, srng_);
    } catch (const std::exception& e) {
      throw ShapeError("nabla: Network3: " + layers_[j]->describe() + " does not fit after " + prev.describe() +
                       ": " + e.what());
    }
  }
  output = layers_.back()->output;
  output_dropout = layers_.back()->output_dropout;
  initialize(seed, init);
}

void Network3::initialize(uint64_t seed, Network3Init init) {
  Rng rng(seed);
  for (auto& layer : layers_) layer->initialize(rng, init);
}

std::vector<Var> Network3::params() const {
  std::vector<Var> p;
  for (const auto& layer : layers_)
    for (const Var& v : layer->params()) p.push_back(v);
  return p;
}

std::string Network3::describe() const {
  std::string s;
  for (const auto& layer : layers_) s += layer->describe() + "\n";
  return s;
}

Var Network3::cost(double lmbda, int64_t num_training_batches) const {
  Var c = static_cast<const SoftmaxLayer&>(*layers_.back()).cost(y);
  if (lmbda == 0.0) return c;  // no penalty graph at all (network3 builds 0 * sum w^2)
  if (num_training_batches <= 0)
    throw ValueError("nabla: Network3::cost: num_training_batches must be positive");
  Var l2;
  for (const auto& layer : layers_) {
    Var s = sum(sqr(layer->w));
    l2 = l2.defined() ? l2 + s : s;
  }
  return c + (0.5 * lmbda / double(num_training_batches)) * l2;
}

Function Network3::train_mb(const SharedSplit& training, double eta, double lmbda) {
  const int64_t batches = training.size / mini_batch_size_;
  if (batches == 0)
    throw ValueError("nabla: Network3: the training set (" + std::to_string(training.size) +
                     " examples) is smaller than one mini-batch of " + std::to_string(mini_batch_size_));
  Var c = cost(lmbda, batches);
  const std::vector<Var> ps = params();
  const std::vector<Var> grads = grad(c, ps);
  Updates updates;
  for (size_t k = 0; k < ps.size(); ++k) updates.push_back({ps[k], ps[k] - eta * grads[k]});
  Var i = lscalar("i");
  return function({i}, {c}, updates, batch_givens(x, y, training, i, mini_batch_size_, true));
}

Function Network3::mb_accuracy(const SharedSplit& data) {
  Var i = lscalar("i");
  return function({i}, {layers_.back()->accuracy(y)}, {}, batch_givens(x, y, data, i, mini_batch_size_, true));
}

Function Network3::mb_predictions(const SharedSplit& data) {
  Var i = lscalar("i");
  return function({i}, {layers_.back()->y_out}, {}, batch_givens(x, y, data, i, mini_batch_size_, false));
}

double Network3::accuracy(const Split& data) {
  SharedSplit s = shared_split(data, "accuracy data");
  const int64_t batches = s.size / mini_batch_size_;
  if (batches == 0) throw ValueError("nabla: Network3::accuracy: fewer examples than one mini-batch");
  Function f = mb_accuracy(s);
  double total = 0;
  for (int64_t j = 0; j < batches; ++j) total += f({Tensor::scalar<int64_t>(j)})[0].item();
  return total / double(batches);
}

std::vector<int32_t> Network3::predictions(const Split& data) {
  SharedSplit s = shared_split(data, "prediction data");
  const int64_t batches = s.size / mini_batch_size_;
  Function f = mb_predictions(s);
  std::vector<int32_t> out;
  out.reserve(size_t(batches * mini_batch_size_));
  for (int64_t j = 0; j < batches; ++j) {
    const Tensor& p = f({Tensor::scalar<int64_t>(j)})[0];
    for (int64_t r = 0; r < p.size(); ++r) out.push_back(int32_t(p.iat(r)));
  }
  return out;
}

}  // namespace nabla::nn
