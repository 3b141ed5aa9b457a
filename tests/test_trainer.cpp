// optim::Trainer and the layer library: a custom C++ layer trained by Adam
// through the trainer, shuffled and sliced mini-batches (every example once per
// epoch, tails included or dropped), the Evaluator's batching, monitors,
// callbacks and the errors they raise.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "alloc_counter.hpp"
#include "nabla.hpp"

using namespace nabla;

namespace {

// n points of three Gaussian blobs in `dim` dimensions; labels 0..2.
void blobs(int64_t n, int64_t dim, unsigned seed, Tensor& X, Tensor& y) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> noise(0.0f, 0.6f);
  X = Tensor(DType::Float32, {n, dim});
  y = Tensor(DType::Int32, {n});
  for (int64_t i = 0; i < n; ++i) {
    const int c = int(i % 3);
    for (int64_t d = 0; d < dim; ++d) X.data<float>()[i * dim + d] = (d % 3 == c ? 2.0f : 0.0f) + noise(gen);
    y.data<int32_t>()[i] = c;
  }
}

// A layer written against nn::Layer alone: y = tanh(x) * gain + shift, one gain
// and one shift per unit (its own parameters and expression).
class GainShift : public nn::Layer {
 public:
  explicit GainShift(int64_t n) : n_(n) {
    gain = shared(Tensor::full(DType::Float32, {n}, 0.5), "gain");
    shift = shared(Tensor::zeros(DType::Float32, {n}), "shift");
  }
  nn::Paths apply(const nn::Paths& input, nn::LayerContext&) override {
    in = input;
    auto f = [&](const Var& x) { return tanh(x) * gain + shift; };
    out.eval = f(input.eval);
    out.train = input.train.same(input.eval) ? out.eval : f(input.train);
    return out;
  }
  std::vector<Var> params() const override { return {gain, shift}; }
  std::string describe() const override { return "GainShift(" + std::to_string(n_) + ")"; }
  Var gain, shift;

 private:
  int64_t n_;
};

}  // namespace

TEST_CASE("trainer: a custom C++ layer between library layers learns three blobs with Adam") {
  Tensor X, y;
  blobs(600, 6, 3, X, y);
  optim::SharedData train = optim::share_data(X, y, "blobs");
  nn::Rng rng(5);
  auto hidden = std::make_shared<nn::FullyConnected>(6, 8, nn::Activation::Linear, rng);
  auto custom = std::make_shared<GainShift>(8);
  auto out = std::make_shared<nn::Softmax>(8, 3);
  std::vector<nn::LayerPtr> layers{hidden, custom, out};
  nn::LayerContext ctx;
  Var x = matrix("x"), labels = ivector("y");
  const Var a = nn::apply_layers(layers, nn::Paths::same(x), ctx).eval;

  optim::Objective o{x, labels, nn::log_likelihood_cost(a, labels), nn::params_of(layers), {}, {}};
  REQUIRE(o.params.size() == 6);
  optim::TrainerOptions t;
  t.mini_batch_size = 20;
  t.shuffle = true;
  auto adam = std::make_shared<optim::Adam>(0.02);
  optim::Trainer trainer(o, adam, train, t);
  trainer.add_accuracy_monitor("accuracy", a, train, 128);
  const Tensor gain0 = custom->gain.get_value();
  const optim::TrainResult& r = trainer.fit(15);
  REQUIRE(r.epochs_run() == 15);
  const std::vector<double> acc = r.series("accuracy");
  INFO("accuracy " << acc.front() << " -> " << acc.back() << ", cost " << r.epochs.front().training_cost << " -> "
                   << r.epochs.back().training_cost);
  CHECK(acc.back() >= 0.95);
  CHECK(r.epochs.back().training_cost < 0.5 * r.epochs.front().training_cost);
  CHECK(gain0.to_vector() != custom->gain.get_value().to_vector());  // its own parameters trained
  CHECK(r.epochs.back().learning_rate == doctest::Approx(0.02));
}

TEST_CASE("trainer: every example is used once per epoch, shuffled or in order, tail included or dropped") {
  // One parameter per example row: w <- w - eta * d(mean over the batch of x . w)/dw
  // moves w by -eta * (sum of the batch's rows) / m. With x = one-hot rows the
  // change of w shows exactly which rows were visited and with which weight.
  const int64_t n = 23, m = 5;
  Tensor X = Tensor::zeros(DType::Float32, {n, n}), y = Tensor::zeros(DType::Int32, {n});
  for (int64_t i = 0; i < n; ++i) X.data<float>()[i * n + i] = 1.0f;
  for (bool shuffle : {false, true})
    for (bool tail : {false, true}) {
      CAPTURE(shuffle);
      CAPTURE(tail);
      Var w = shared(Tensor::zeros(DType::Float32, {n}), "w");
      Var x = matrix("x"), labels = ivector("y");
      optim::Objective o{x, labels, mean(dot(x, w)) + 0.0 * sum(cast(labels, floatX)), {w}, {}, {}};
      optim::TrainerOptions t;
      t.mini_batch_size = m;
      t.shuffle = shuffle;
      t.train_tail = tail;
      optim::Trainer trainer(o, std::make_shared<optim::SGD>(1.0), optim::share_data(X, y), t);
      CHECK(trainer.steps_per_epoch() == n / m + (tail ? 1 : 0));
      trainer.train_epoch();
      const std::vector<double> got = w.get_value().to_vector();
      int64_t visited = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (got[size_t(i)] == 0.0) continue;
        ++visited;
        // Full batches move a row by -1/m; the tail batch (n % m = 3 rows) by -1/3.
        const bool plausible = std::fabs(got[size_t(i)] + 1.0 / m) < 1e-6 || (tail && std::fabs(got[size_t(i)] + 1.0 / 3) < 1e-6);
        CHECK(plausible);
      }
      CHECK(visited == (tail ? n : n / m * m));
      if (!shuffle && !tail) CHECK(got[size_t(n - 1)] == 0.0);  // stored order drops the last rows
    }
}

TEST_CASE("trainer: the Evaluator sums per batch and divides by the examples covered") {
  const int64_t n = 25;
  Tensor X(DType::Float32, {n, 1}), y = Tensor::zeros(DType::Int32, {n});
  for (int64_t i = 0; i < n; ++i) X.data<float>()[i] = float(i);
  optim::SharedData data = optim::share_data(X, y);
  Var x = matrix("x"), labels = ivector("y");
  using R = optim::Evaluator::Reduce;
  // Mean of 0..24 = 12; with the tail of 5 dropped, the mean of 0..19 = 9.5.
  CHECK(optim::Evaluator(x, labels, sum(x), data, 10)() == doctest::Approx(12.0));
  CHECK(optim::Evaluator(x, labels, mean(x), data, 10, R::Mean)() == doctest::Approx(12.0));
  optim::Evaluator dropped(x, labels, sum(x), data, 10, R::Sum, true);
  CHECK(dropped.examples() == 20);
  CHECK(dropped() == doctest::Approx(9.5));
  CHECK_THROWS_WITH_AS(optim::Evaluator(x, labels, sum(x), data, 30, R::Sum, true),
                       doctest::Contains("smaller than one batch"), ValueError);
}

TEST_CASE("trainer: callbacks see each epoch's monitors and stop training; errors name the problem") {
  Tensor X, y;
  blobs(60, 3, 1, X, y);
  optim::SharedData train = optim::share_data(X, y);
  nn::Rng rng(1);
  nn::FullyConnected layer(3, 3, nn::Activation::Softmax, rng);
  Var x = matrix("x"), labels = ivector("y");
  optim::Objective o{x, labels, nn::log_likelihood_cost(layer(x), labels), layer.params(), {}, {}};
  optim::Trainer trainer(o, std::make_shared<optim::Momentum>(0.1, 0.9), train);
  int calls = 0;
  trainer.add_monitor("calls", [&] { return double(++calls); });
  trainer.add_callback([](optim::Trainer&, const optim::EpochLog& log) { return log.metric("calls") < 3; });
  CHECK(trainer.fit(10).epochs_run() == 3);
  CHECK(trainer.result().series("calls") == std::vector<double>{1, 2, 3});
  CHECK_THROWS_WITH_AS(trainer.result().epochs[0].metric("accuracy"), doctest::Contains("monitored: calls"),
                       ValueError);

  optim::TrainerOptions bad;
  bad.mini_batch_size = 0;
  CHECK_THROWS_WITH_AS(optim::Trainer(o, std::make_shared<optim::SGD>(0.1), train, bad),
                       doctest::Contains("mini_batch_size must be positive"), ValueError);
  CHECK_THROWS_WITH_AS(optim::Trainer(o, nullptr, train), doctest::Contains("needs an optimizer"), ValueError);
  optim::Objective no_params = o;
  no_params.params.clear();
  CHECK_THROWS_WITH_AS(optim::Trainer(no_params, std::make_shared<optim::SGD>(0.1), train),
                       doctest::Contains("no params"), ValueError);
}

TEST_CASE("layers: FullyConnected, Softmax, ConvPool describe themselves and say which one did not fit") {
  auto conv = std::make_shared<nn::ConvPool>(std::array<int64_t, 4>{4, 1, 3, 3}, std::array<int64_t, 4>{-1, 1, 8, 8});
  CHECK(conv->n_out() == 4 * 3 * 3);
  auto fc = std::make_shared<nn::FullyConnected>(35, 10);  // 36 would fit
  nn::LayerContext ctx{2, nullptr};
  CHECK_THROWS_WITH_AS(nn::apply_layers({conv, fc}, nn::Paths::same(matrix("x")), ctx),
                       doctest::Contains("FullyConnected(35 -> 10, sigmoid) does not fit after ConvPool"), ShapeError);
  CHECK(nn::Softmax(10, 3).describe() == "Softmax(10 -> 3)");
  // Dropout needs random streams.
  auto dropping = std::make_shared<nn::FullyConnected>(4, 2, nn::Activation::Sigmoid, 0.5);
  nn::LayerContext no_streams;
  CHECK_THROWS_WITH_AS(dropping->apply({matrix("a"), matrix("b")}, no_streams), doctest::Contains("random streams"),
                       ValueError);
}

TEST_CASE("trainer: an epoch's allocations do not grow with its number of steps (shuffled and sliced)") {
  // The per-step path reuses the gathered batch tensors and the compiled
  // program's buffers, so 100 steps allocate exactly what 10 steps do (the
  // epoch's permutation, its progress label).
  for (bool shuffle : {false, true}) {
    CAPTURE(shuffle);
    auto epoch_allocations = [&](int64_t n) {
      Tensor X, y;
      blobs(n, 6, 2, X, y);
      nn::Rng rng(3);
      nn::FullyConnected layer(6, 3, nn::Activation::Softmax, rng);
      Var x = matrix("x"), labels = ivector("y");
      optim::Objective o{x, labels, nn::log_likelihood_cost(layer(x), labels), layer.params(), {}, {}};
      optim::TrainerOptions t;
      t.shuffle = shuffle;
      t.progress = false;
      optim::Trainer trainer(o, std::make_shared<optim::Adam>(0.01), optim::share_data(X, y), t);
      trainer.train_epoch();  // warm-up: buffers sized on the first calls
      const uint64_t before = heap_allocations();
      trainer.train_epoch();
      return heap_allocations() - before;
    };
    const uint64_t few = epoch_allocations(100), many = epoch_allocations(1000);
    INFO("10 steps: " << few << " allocations, 100 steps: " << many);
    CHECK(many == few);
    CHECK(few <= 4);
  }
}

TEST_CASE("trainer callbacks: early stopping, the plateau schedule and an epoch schedule") {
  Tensor X, y;
  blobs(60, 3, 4, X, y);
  nn::Rng rng(2);
  nn::FullyConnected layer(3, 3, nn::Activation::Softmax, rng);
  Var x = matrix("x"), labels = ivector("y");
  optim::Objective o{x, labels, nn::log_likelihood_cost(layer(x), labels), layer.params(), {}, {}};
  // A metric that improves for three epochs, then stays flat.
  auto scripted = [](std::vector<double> values) {
    auto k = std::make_shared<size_t>(0);
    return [values, k] { return values[std::min((*k)++, values.size() - 1)]; };
  };
  {
    optim::Trainer t(o, std::make_shared<optim::SGD>(0.1), optim::share_data(X, y));
    t.add_monitor("score", scripted({1, 2, 3, 3, 2, 3, 1, 5}));
    t.add_callback(optim::early_stopping("score", 3));
    CHECK(t.fit(20).epochs_run() == 6);  // best at epoch 2; epochs 3, 4, 5 do not beat it
  }
  {
    auto sgd = std::make_shared<optim::SGD>(0.8);
    optim::Trainer t(o, sgd, optim::share_data(X, y));
    t.add_monitor("score", scripted({1, 2, 2, 2, 2, 2, 2, 2, 2}));
    t.add_callback(optim::plateau_schedule("score", 2, 0.5, 0.25));
    const optim::TrainResult& r = t.fit(20);
    // Halved after epochs 3 and 5 (two flat epochs each); at 0.2 = 0.25 * 0.8 it stops.
    CHECK(r.epochs_run() == 6);
    CHECK(r.epochs[3].learning_rate == doctest::Approx(0.8));
    CHECK(r.epochs[4].learning_rate == doctest::Approx(0.4));
    CHECK(sgd->learning_rate() == doctest::Approx(0.2));
  }
  {
    optim::Trainer t(o, std::make_shared<optim::Adam>(1.0), optim::share_data(X, y));
    t.add_callback(optim::learning_rate_schedule([](int epoch) { return 1.0 / (1 + epoch); }));
    const optim::TrainResult& r = t.fit(3);
    CHECK(r.epochs[0].learning_rate == doctest::Approx(1.0));
    CHECK(r.epochs[2].learning_rate == doctest::Approx(1.0 / 3));
  }
  CHECK_THROWS_WITH_AS(optim::early_stopping("score", 0), doctest::Contains("patience"), ValueError);
  CHECK_THROWS_WITH_AS(optim::plateau_schedule("score", 2, 1.5), doctest::Contains("factor"), ValueError);
}
