// Elman and LSTM (nn/layers_recurrent): values against a plain loop of the same
// equations, and gradients of all parameters against central differences.
#include <doctest/doctest.h>

#include <cmath>

#include "op_table.hpp"

using namespace nabla;

namespace {

double sigm(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// The LSTM of nn::LSTM on x (T, N, D) with W (4H, D), U (4H, H), b (4H): every h_t.
std::vector<double> lstm_loop(const Tensor& x, const Tensor& W, const Tensor& U, const Tensor& b, int64_t H) {
  const int64_t T = x.shape()[0], N = x.shape()[1], D = x.shape()[2];
  std::vector<double> h(size_t(N * H), 0.0), c(size_t(N * H), 0.0), out;
  for (int64_t t = 0; t < T; ++t) {
    std::vector<double> nh(h.size()), nc(c.size());
    for (int64_t n = 0; n < N; ++n)
      for (int64_t j = 0; j < H; ++j) {
        double z[4];
        for (int k = 0; k < 4; ++k) {
          const int64_t row = k * H + j;
          double s = b.at(row);
          for (int64_t d = 0; d < D; ++d) s += x.at((t * N + n) * D + d) * W.at(row * D + d);
          for (int64_t i = 0; i < H; ++i) s += h[size_t(n * H + i)] * U.at(row * H + i);
          z[k] = s;
        }
        const size_t at = size_t(n * H + j);
        nc[at] = sigm(z[1]) * c[at] + sigm(z[0]) * std::tanh(z[3]);
        nh[at] = sigm(z[2]) * std::tanh(nc[at]);
      }
    h = nh;
    c = nc;
    out.insert(out.end(), h.begin(), h.end());
  }
  return out;
}

double project(const std::vector<double>& v) {
  double s = 0;
  for (size_t i = 0; i < v.size(); ++i) s += v[i] * (0.5 + 0.1 * double(i % 7));
  return s;
}

}  // namespace

TEST_CASE("LSTM layer: values and parameter gradients match a plain loop (float64)") {
  const int64_t T = 4, N = 2, D = 3, H = 3;
  nn::LSTM lstm(D, H, "lstm");
  nn::Rng rng(5);
  lstm.initialize(rng, nn::Init::Default);
  // float64 copies of the parameters for finite differences.
  Var W = shared(lstm.W.get_value().astype(DType::Float64), "W"), U = shared(lstm.U.get_value().astype(DType::Float64), "U"),
      b = shared(lstm.b.get_value().astype(DType::Float64), "b");
  lstm.W = W;
  lstm.U = U;
  lstm.b = b;
  Var x = input(DType::Float64, Shape{T, N, D}, "x");
  Var h = lstm(x);
  CHECK(h.shape() == Shape{-1, -1, H});
  Tensor xv = sample({T, N, D}, -1, 1, 77);
  std::vector<double> weights;
  for (int64_t i = 0; i < T * N * H; ++i) weights.push_back(0.5 + 0.1 * double(i % 7));
  Var cost = sum(h * constant(Tensor::from<double>(weights, Shape{T, N, H})));
  Function f = function({x}, {h, cost});
  const auto& out = f({xv});
  const std::vector<double> want = lstm_loop(xv, W.get_value(), U.get_value(), b.get_value(), H);
  for (size_t i = 0; i < want.size(); ++i) CHECK(out[0].at(int64_t(i)) == doctest::Approx(want[i]).epsilon(1e-12));

  std::vector<Var> params{W, U, b};
  Function fg = function({x}, grad(cost, params));
  const std::vector<Tensor> g = fg.call_copy({xv});
  for (size_t p = 0; p < params.size(); ++p) {
    Tensor v = params[p].get_value();
    for (int64_t i = 0; i < v.size(); i += 3) {  // every third element keeps the test fast
      const double eps = 1e-6, keep = v.at(i);
      v.set(i, keep + eps);
      params[p].set_value(v);
      const double fp = project(lstm_loop(xv, W.get_value(), U.get_value(), b.get_value(), H));
      v.set(i, keep - eps);
      params[p].set_value(v);
      const double fm = project(lstm_loop(xv, W.get_value(), U.get_value(), b.get_value(), H));
      v.set(i, keep);
      params[p].set_value(v);
      CHECK(g[p].at(i) == doctest::Approx((fp - fm) / (2 * eps)).epsilon(1e-6));
    }
  }
}

TEST_CASE("Elman layer: h_t = tanh(x_t W^T + h U^T + b), gradients by finite differences") {
  nn::Elman rnn(2, 3, nn::Activation::Tanh, "rnn");
  nn::Rng rng(3);
  rnn.initialize(rng, nn::Init::Default);
  rnn.W = shared(rnn.W.get_value().astype(DType::Float64), "W");
  rnn.U = shared(rnn.U.get_value().astype(DType::Float64), "U");
  rnn.b = shared(sample({3}, -1, 1, 4), "b");
  Var x = input(DType::Float64, Shape{5, 2, 2}, "x");
  Tensor xv = sample({5, 2, 2}, -1, 1, 9);
  Var cost = sum(sqr(rnn(x)));
  Function f = function({x}, {cost});
  Function fg = function({x}, grad(cost, {rnn.U}));
  Tensor gU = fg.call_copy({xv})[0];
  Tensor U = rnn.U.get_value();
  for (int64_t i = 0; i < U.size(); ++i) {
    const double keep = U.at(i), eps = 1e-6;
    U.set(i, keep + eps);
    rnn.U.set_value(U);
    const double fp = f({xv})[0].item();
    U.set(i, keep - eps);
    rnn.U.set_value(U);
    const double fm = f({xv})[0].item();
    U.set(i, keep);
    rnn.U.set_value(U);
    CHECK(gU.at(i) == doctest::Approx((fp - fm) / (2 * eps)).epsilon(1e-6));
  }
  CHECK_THROWS_WITH_AS(rnn(input(DType::Float64, Shape{5, 2}, "flat")), doctest::Contains("(T, batch, n_in)"), ShapeError);
}
