// Network3: wiring the layers, the regularized cost, and network3's compiled
// functions of a mini-batch index over data held in shared variables.
#include "nn/book/network3.hpp"

#include "core/error.hpp"
#include "optim/data_parallel.hpp"

namespace nabla::nn {

namespace {

// This rank's rows of a mini-batch of m (m in one process).
int64_t rank_batch(int64_t m) { return optim::detail::shard_of(m, "Network3's mini-batch").rows; }

// x[i*m:(i+1)*m] (and y's rows) for the index i.
Givens batch_givens(const Var& x, const Var& y, const optim::SharedData& data, const Var& i, int64_t m, bool labels) {
  Var mm = constant(double(m), DType::Int64);
  Var start = i * mm, stop = (i + constant(1.0, DType::Int64)) * mm;
  Givens g{{x, slice(data.x, start, stop)}};
  if (labels) g.push_back({y, slice(data.y, start, stop)});
  return g;
}

optim::SharedData share_checked(const Split& data, const std::string& name) {
  if (!data.x.defined() || data.x.rank() != 2 || data.x.dtype() != DType::Float32)
    throw ValueError("nabla: " + name + ": x must be float32 (n, pixels)");
  if (!data.y.defined() || data.y.rank() != 1 || !is_integer(data.y.dtype()) || data.y.shape()[0] != data.x.shape()[0])
    throw ValueError("nabla: " + name + ": y must hold one integer label per row of x");
  return optim::share_data(data.x, data.y, name);
}

}  // namespace

Network3::Network3(std::vector<LayerPtr> layers, int64_t mini_batch_size, uint64_t seed, Init init)
    : layers_(std::move(layers)), mini_batch_size_(mini_batch_size), srng_(seed ^ 0x5EEDD20B0u) {
  if (layers_.empty()) throw ValueError("nabla: Network3 needs at least one layer");
  for (size_t k = 0; k < layers_.size(); ++k)
    if (!layers_[k]) throw ValueError("nabla: Network3: layer " + std::to_string(k) + " is null");
  if (mini_batch_size <= 0)
    throw ValueError("nabla: Network3: mini_batch_size must be positive, got " + std::to_string(mini_batch_size));
  if (!dynamic_cast<Softmax*>(layers_.back().get()))
    throw ValueError("nabla: Network3: the last layer must be a Softmax layer (network3's SoftmaxLayer; its cost "
                     "trains the net), got " + layers_.back()->describe());
  x = matrix("x");
  y = ivector("y");
  // Under mpirun the graph is built for this rank's share of each mini-batch
  // (the trainer feeds each rank m/N rows); the layers' image_shape keeps m.
  LayerContext ctx{rank_batch(mini_batch_size_), &srng_};
  try {
    const Paths out = apply_layers(layers_, Paths::same(x), ctx);
    output = out.eval;
    output_dropout = out.train;
  } catch (const ShapeError& e) {
    throw ShapeError(std::string("nabla: Network3: ") + e.what());
  }
  y_out = argmax(output, 1);
  initialize(seed, init);
}

void Network3::initialize(uint64_t seed, Init init) {
  Rng rng(seed);
  for (auto& layer : layers_) layer->initialize(rng, init);
}

std::string Network3::describe() const {
  std::string s;
  for (const auto& layer : layers_) s += layer->describe() + "\n";
  return s;
}

Var Network3::cost(double lmbda, int64_t num_training_batches) const {
  // network3's log-likelihood on the dropout path; function() compiles it to the stable softmax_xent op.
  Var c = neg(mean(take2d(log(output_dropout), arange(Dim(shape_i(y, 0))), y)));
  if (lmbda == 0.0) return c;  // no penalty graph at all (network3 builds 0 * sum w^2)
  if (num_training_batches <= 0) throw ValueError("nabla: Network3::cost: num_training_batches must be positive");
  Var l2;
  for (const Var& w : weights_of(layers_)) {
    Var s = sum(sqr(w));
    l2 = l2.defined() ? l2 + s : s;
  }
  return l2.defined() ? c + (0.5 * lmbda / double(num_training_batches)) * l2 : c;
}

optim::Objective Network3::objective(double lmbda, const optim::SharedData& training) const {
  const int64_t batches = training.size / mini_batch_size_;
  if (batches == 0)
    throw ValueError("nabla: Network3: the training set (" + std::to_string(training.size) +
                     " examples) is smaller than one mini-batch of " + std::to_string(mini_batch_size_));
  optim::Objective o;
  o.x = x;
  o.y = y;
  o.cost = cost(lmbda, batches);
  o.params = params();
  return o;
}

// The trainer's step is network3's train_mb.
Function Network3::train_mb(const optim::SharedData& training, double eta, double lmbda) {
  optim::TrainerOptions t;
  t.mini_batch_size = mini_batch_size_;
  t.train_tail = false;
  optim::Trainer trainer(objective(lmbda, training), std::make_shared<optim::SGD>(eta), training, t);
  return trainer.step();
}

Function Network3::mb_accuracy(const optim::SharedData& data) {
  Var i = lscalar("i");
  return function({i}, {mean(cast(eq(y, y_out), floatX))}, {}, batch_givens(x, y, data, i, rank_batch(mini_batch_size_), true));
}

Function Network3::mb_predictions(const optim::SharedData& data) {
  Var i = lscalar("i");
  return function({i}, {y_out}, {}, batch_givens(x, y, data, i, rank_batch(mini_batch_size_), false));
}

double Network3::accuracy(const Split& data) {
  optim::SharedData s = share_checked(data, "accuracy data");
  if (s.size / mini_batch_size_ == 0) throw ValueError("nabla: Network3::accuracy: fewer examples than one mini-batch");
  Var correct = sum(cast(eq(y, y_out), floatX));
  return optim::Evaluator(x, y, correct, s, rank_batch(mini_batch_size_), optim::Evaluator::Reduce::Sum, true)();
}

std::vector<int32_t> Network3::predictions(const Split& data) {
  optim::SharedData s = share_checked(data, "prediction data");
  const int64_t batches = s.size / rank_batch(mini_batch_size_);
  Function f = mb_predictions(s);
  std::vector<int32_t> out;
  out.reserve(size_t(batches * rank_batch(mini_batch_size_)));
  for (int64_t j = 0; j < batches; ++j) {
    const Tensor& p = f({Tensor::scalar<int64_t>(j)})[0];
    for (int64_t r = 0; r < p.size(); ++r) out.push_back(int32_t(p.iat(r)));
  }
  return out;
}

optim::SharedData share_split(const Split& data, const std::string& name) { return share_checked(data, name); }

}  // namespace nabla::nn
