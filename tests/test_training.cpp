// End to end: a small classifier trained by SGD through function() + updates.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "op_table.hpp"

using namespace nabla;

namespace {
// Three Gaussian blobs in 2-D, 300 points; labels 0..2.
void make_blobs(Tensor& X, Tensor& y) {
  std::mt19937 gen(7);
  std::normal_distribution<float> noise(0.0f, 0.5f);
  const float cx[3] = {-2, 2, 0}, cy[3] = {0, 0, 2.5f};
  X = Tensor(DType::Float32, {300, 2});
  y = Tensor(DType::Int32, {300});
  for (int i = 0; i < 300; ++i) {
    int c = i % 3;
    X.data<float>()[2 * i] = cx[c] + noise(gen);
    X.data<float>()[2 * i + 1] = cy[c] + noise(gen);
    y.data<int32_t>()[i] = c;
  }
}
Tensor normal_init(const Shape& s, double std, unsigned seed) {
  std::mt19937 gen(seed);
  std::normal_distribution<float> d(0.0f, float(std));
  Tensor t(DType::Float32, s);
  for (int64_t i = 0; i < t.size(); ++i) t.data<float>()[i] = d(gen);
  return t;
}
}  // namespace

TEST_CASE("training: a one-hidden-layer softmax classifier learns three blobs") {
  Tensor X, Y;
  make_blobs(X, Y);
  Var data_x = shared(X, "data_x");
  Var data_y = shared(Y, "data_y");
  Var x = matrix("x");
  Var y = ivector("y");
  Var i = lscalar("i");
  Var W1 = shared(normal_init({2, 16}, 0.5, 1), "W1");
  Var b1 = shared(Tensor::zeros(DType::Float32, {16}), "b1");
  Var W2 = shared(normal_init({16, 3}, 0.25, 2), "W2");
  Var b2 = shared(Tensor::zeros(DType::Float32, {3}), "b2");
  Var h = tanh(dot(x, W1) + b1);
  Var p = softmax(dot(h, W2) + b2);
  Var cost = -mean(take2d(log(p), arange(shape_i(y, 0)), y));
  Var accuracy = mean(cast(eq(argmax(p, 1), cast(y, DType::Int64)), DType::Float32));
  std::vector<Var> params = {W1, b1, W2, b2};
  auto g = grad(cost, params);
  Updates updates;
  for (size_t k = 0; k < params.size(); ++k) updates.push_back({params[k], params[k] - 0.2 * g[k]});
  const int m = 20;
  Givens batch = {{x, slice(data_x, i * double(m), (i + 1.0) * double(m))},
                  {y, slice(data_y, i * double(m), (i + 1.0) * double(m))}};
  Function train = function({i}, {cost}, updates, batch);
  Function evaluate = function({}, {cost, accuracy}, {}, {{x, data_x}, {y, data_y}});

  double initial = evaluate()[0].item();
  CHECK(initial > 0.8);
  for (int epoch = 0; epoch < 30; ++epoch)
    for (int64_t b = 0; b < 300 / m; ++b) train({Tensor::scalar<int64_t>(b)});
  auto result = evaluate();
  double final_cost = result[0].item();
  double final_accuracy = result[1].item();
  MESSAGE("blobs: cost " << initial << " -> " << final_cost << ", accuracy " << final_accuracy);
  CHECK(final_cost < 0.1);
  CHECK(final_accuracy >= 0.97);
  CHECK(train.stats().last_call_allocations == 0);
}
