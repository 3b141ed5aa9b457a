// nabla spirals example: a small classifier defined as a graph, its gradients derived by
// grad(), trained by SGD through one compiled function with updates and givens.
// (The main demo, `make demo`, is the chapter-1 MNIST network: nabla-book run 1.1.)
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "nabla.hpp"

using namespace nabla;

// Two interleaved spirals, 1,000 points: not linearly separable, so the hidden layer matters.
static void make_spirals(Tensor& X, Tensor& y, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> noise(0.0f, 0.08f);
  const int n = 1000;
  X = Tensor(DType::Float32, {n, 2});
  y = Tensor(DType::Int32, {n});
  for (int i = 0; i < n; ++i) {
    int c = i % 2;
    float t = 0.25f + 3.0f * float(i / 2) / float(n / 2);  // angle
    float r = t / 3.5f;
    float sign = c ? -1.0f : 1.0f;
    X.data<float>()[2 * i] = sign * r * std::cos(t) + noise(gen);
    X.data<float>()[2 * i + 1] = sign * r * std::sin(t) + noise(gen);
    y.data<int32_t>()[i] = c;
  }
  // Shuffle rows so every mini-batch mixes both classes.
  for (int i = n - 1; i > 0; --i) {
    int j = int(gen() % unsigned(i + 1));
    std::swap(X.data<float>()[2 * i], X.data<float>()[2 * j]);
    std::swap(X.data<float>()[2 * i + 1], X.data<float>()[2 * j + 1]);
    std::swap(y.data<int32_t>()[i], y.data<int32_t>()[j]);
  }
}

static Tensor gaussian(const Shape& s, double std, std::mt19937& gen) {
  std::normal_distribution<float> d(0.0f, float(std));
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(gen);
  return t;
}

int main() {
  Tensor X, Y;
  make_spirals(X, Y, 1);
  std::mt19937 gen(2);
  const int hidden = 64, mb = 10, epochs = 40;
  const double eta = 0.1;

  // Data lives in shared variables; mini-batches are symbolic slices (givens).
  Var data_x = shared(X, "data_x"), data_y = shared(Y, "data_y");
  Var x = matrix("x");
  Var y = ivector("y");
  Var i = lscalar("i");
  Var W1 = shared(gaussian({2, hidden}, 1.0, gen), "W1");
  Var b1 = shared(Tensor::zeros(DType::Float32, {hidden}), "b1");
  Var W2 = shared(gaussian({hidden, hidden}, 1.0 / std::sqrt(hidden), gen), "W2");
  Var b2 = shared(Tensor::zeros(DType::Float32, {hidden}), "b2");
  Var W3 = shared(gaussian({hidden, 2}, 1.0 / std::sqrt(hidden), gen), "W3");
  Var b3 = shared(Tensor::zeros(DType::Float32, {2}), "b3");

  Var h1 = tanh(dot(x, W1) + b1);
  Var h2 = tanh(dot(h1, W2) + b2);
  Var p = softmax(dot(h2, W3) + b3);
  Var cost = -mean(take2d(log(p), arange(shape_i(y, 0)), y));
  Var accuracy = mean(cast(eq(argmax(p, 1), cast(y, DType::Int64)), DType::Float32));

  std::vector<Var> params = {W1, b1, W2, b2, W3, b3};
  std::vector<Var> grads = grad(cost, params);
  Updates sgd;
  for (size_t k = 0; k < params.size(); ++k) sgd.push_back({params[k], params[k] - eta * grads[k]});

  Function train = function({i}, {cost}, sgd,
                            {{x, slice(data_x, i * double(mb), (i + 1.0) * double(mb))},
                             {y, slice(data_y, i * double(mb), (i + 1.0) * double(mb))}});
  Function evaluate = function({}, {cost, accuracy}, {}, {{x, data_x}, {y, data_y}});

  std::printf("nabla demo: 2-64-64-2 tanh network on two spirals (1,000 points), SGD eta=%.2f, mini-batch %d\n",
              eta, mb);
  std::printf("compiled training step: %zu kernel calls, %zu buffers\n", train.stats().steps,
              train.stats().slots);
  const int64_t batches = X.shape()[0] / mb;
  auto start = std::chrono::steady_clock::now();
  train({Tensor::scalar<int64_t>(0)});  // the first call plans and allocates the buffers
  const uint64_t planned = train.stats().allocations;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (int64_t b = 0; b < batches; ++b) train({Tensor::scalar<int64_t>(b)});
    if (epoch % 5 == 4 || epoch == 0) {
      auto r = evaluate();
      std::printf("Epoch %2d: cost %.4f, accuracy %.1f%%\n", epoch, r[0].item(), 100.0 * r[1].item());
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto r = evaluate();
  std::printf("trained %d epochs in %.2f s (%.1f us per mini-batch step); final accuracy %.1f%%\n", epochs,
              seconds, 1e6 * seconds / double(epochs * batches), 100.0 * r[1].item());
  std::printf("buffers allocated by the training step: %llu on its first call, %llu on the %llu calls after it\n",
              (unsigned long long)planned, (unsigned long long)(train.stats().allocations - planned),
              (unsigned long long)(train.stats().calls - 1));
  return r[1].item() >= 0.9 ? 0 : 1;
}
