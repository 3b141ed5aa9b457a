// scan: op-table rows (values against plain loops, gradients of first and second
// order by finite differences) and the builder's behaviour and errors.
#include <doctest/doctest.h>

#include <cmath>

#include "op_table.hpp"

using namespace nabla;

namespace {

// h_t = tanh(x_t W + h_{t-1} U), x (T,3), W (3,4), U (4,4), h0 (4): the Elman step.
Var elman(const std::vector<Var>& in) {
  ScanResult r = scan([](const std::vector<Var>& a) { return std::vector<Var>{tanh(dot(a[0], a[2]) + dot(a[1], a[3]))}; },
                      {in[0]}, {in[3]}, {in[1], in[2]});
  return r.outputs[0];
}

Tensor elman_reference(const std::vector<Tensor>& in) {
  const Tensor &x = in[0], &W = in[1], &U = in[2], &h0 = in[3];
  const int64_t T = x.shape()[0], D = W.shape()[0], H = W.shape()[1];
  Tensor out = Tensor::zeros(DType::Float64, Shape{T, H});
  std::vector<double> h(h0.to_vector());
  for (int64_t t = 0; t < T; ++t) {
    std::vector<double> nh(size_t(H), 0.0);
    for (int64_t j = 0; j < H; ++j) {
      double s = 0;
      for (int64_t i = 0; i < D; ++i) s += x.at(t * D + i) * W.at(i * H + j);
      for (int64_t i = 0; i < H; ++i) s += h[size_t(i)] * U.at(i * H + j);
      nh[size_t(j)] = std::tanh(s);
      out.set(t * H + j, nh[size_t(j)]);
    }
    h = nh;
  }
  return out;
}

const bool row_scan = add_op_row({"scan",
                                  {sample({5, 3}, -1, 1, 601), sample({3, 4}, -0.8, 0.8, 602),
                                   sample({4, 4}, -0.6, 0.6, 603), sample({4}, -1, 1, 604)},
                                  elman, {0, 1, 2, 3}, 2, elman_reference});

// Sequence taps {-1, 0}, output taps {-2, -1} and a plain output:
//   h_t = 0.5 h_{t-1} - 0.3 h_{t-2} * x_t + tanh(x_{t-1} w),  y_t = h_t * x_t.
std::vector<Var> taps_step(const std::vector<Var>& a) {
  const Var &x_prev = a[0], &x = a[1], &h2 = a[2], &h1 = a[3], &w = a[4];
  Var h = 0.5 * h1 - 0.3 * h2 * x + tanh(x_prev * w);
  return {h, h * x};
}
Var taps_scan(const std::vector<Var>& in, int which) {
  ScanResult r = scan(taps_step, {ScanSequence(in[0], {-1, 0})},
                      {ScanOutput(in[1], {-2, -1}), ScanOutput::none()}, {in[2]});
  return r.outputs[size_t(which)];
}
Tensor taps_reference(const std::vector<Tensor>& in, int which) {
  const Tensor &x = in[0], &h0 = in[1], &w = in[2];
  const int64_t L = x.shape()[0], n = L - 1, K = x.shape()[1];
  Tensor out = Tensor::zeros(DType::Float64, Shape{n, K});
  std::vector<double> h2(static_cast<size_t>(K)), h1(static_cast<size_t>(K));
  for (int64_t k = 0; k < K; ++k) {
    h2[size_t(k)] = h0.at(k);
    h1[size_t(k)] = h0.at(K + k);
  }
  for (int64_t t = 0; t < n; ++t)
    for (int64_t k = 0; k < K; ++k) {
      const double xp = x.at(t * K + k), xc = x.at((t + 1) * K + k);
      const double h = 0.5 * h1[size_t(k)] - 0.3 * h2[size_t(k)] * xc + std::tanh(xp * w.at(k));
      out.set(t * K + k, which == 0 ? h : h * xc);
      h2[size_t(k)] = h1[size_t(k)];
      h1[size_t(k)] = h;
    }
  return out;
}
const std::vector<Tensor> taps_inputs{sample({6, 3}, -1, 1, 611), sample({2, 3}, -1, 1, 612),
                                      sample({3}, -1, 1, 613)};
const bool row_taps_state = add_op_row({"scan_piece", taps_inputs, [](const std::vector<Var>& in) { return taps_scan(in, 0); },
                                        {0, 1, 2}, 2, [](const std::vector<Tensor>& in) { return taps_reference(in, 0); }});
const bool row_taps_plain = add_op_row({"scan_piece", taps_inputs, [](const std::vector<Var>& in) { return taps_scan(in, 1); },
                                        {0, 1, 2}, 2, [](const std::vector<Tensor>& in) { return taps_reference(in, 1); }});

// The gradient graph of a scan holds scan_piece_grad and scan_steps.
Var elman_grad_w(const std::vector<Var>& in) {
  Var h = elman(in);
  return grad(sum(sqr(h)), in[1]);
}
const bool row_piece_grad = add_op_row({"scan_piece_grad",
                                        {sample({4, 3}, -1, 1, 621), sample({3, 4}, -0.8, 0.8, 622),
                                         sample({4, 4}, -0.6, 0.6, 623), sample({4}, -1, 1, 624)},
                                        elman_grad_w, {0, 1, 2, 3}, 1, nullptr});
const bool row_steps = add_op_row({"scan_steps",
                                   {sample({4, 3}, -1, 1, 631), sample({3, 4}, -0.8, 0.8, 632),
                                    sample({4, 4}, -0.6, 0.6, 633), sample({4}, -1, 1, 634)},
                                   elman_grad_w, {}, 0, nullptr});

// The state a draw inside a scan's step reads (scan inserts rng_fork itself, in
// the inner graph; here it is applied directly). Values only: no gradient.
const bool row_fork = add_op_row({"rng_fork", {sample({2}, -1, 1, 641)},
                                  [](const std::vector<Var>& in) {
                                    Var state = constant(ints({12345, 3}, Shape{2}));
                                    Var t = constant(ints({4}, Shape{}));
                                    return cast(rng_fork(state, t), DType::Float64) + 0.0 * sum(in[0]);
                                  },
                                  {}, 0, nullptr});

}  // namespace

TEST_CASE("scan: go_backwards runs over the sequence from its end") {
  Var x = input(DType::Float64, Shape{4}, "x");
  Var h0 = constant(Tensor::scalar<double>(0.0));
  // h_t = 2 h_{t-1} + x_t: backwards over [1,2,3,4] gives 4, 11, 24, 49.
  ScanResult r = scan([](const std::vector<Var>& a) { return std::vector<Var>{2.0 * a[1] + a[0]}; }, {x}, {h0}, {},
                      Dim(int64_t(-1)), true);
  Function f = function({x}, {r.outputs[0]});
  Tensor got = f({Tensor::from<double>({1, 2, 3, 4}, Shape{4})})[0];
  CHECK(got.to_vector() == std::vector<double>{4, 11, 24, 49});
}

TEST_CASE("scan: n_steps without sequences, and a symbolic n_steps") {
  Var n = lscalar("n");
  Var a0 = constant(Tensor::scalar<double>(1.0));
  ScanResult r = scan([](const std::vector<Var>& a) { return std::vector<Var>{a[0] * 3.0}; }, {}, {a0}, {}, Dim(n));
  Function f = function({n}, {r.outputs[0]});
  CHECK(f({Tensor::scalar<int64_t>(3)})[0].to_vector() == std::vector<double>{3, 9, 27});
  CHECK(f({Tensor::scalar<int64_t>(1)})[0].to_vector() == std::vector<double>{3});
  CHECK(f({Tensor::scalar<int64_t>(0)})[0].shape() == Shape{0});
}

TEST_CASE("scan: a draw inside the step differs per step and per call; the stream's update advances it") {
  RandomStreams rng(11);
  Var x = input(DType::Float64, Shape{3, 2}, "x");
  ScanResult r = scan([&](const std::vector<Var>& a) { return std::vector<Var>{a[0] + rng.uniform({2}, 0, 1, DType::Float64)}; },
                      {x}, {ScanOutput::none()});
  REQUIRE(r.updates.size() == 1);
  Function f = function({x}, {r.outputs[0]}, r.updates);
  Tensor zeros = Tensor::zeros(DType::Float64, Shape{3, 2});
  Tensor a = f({zeros})[0].copy(), b = f({zeros})[0].copy();
  CHECK(a.at(0) != a.at(2));  // steps 0 and 1
  CHECK(a.at(0) != b.at(0));  // calls 1 and 2
  for (int64_t i = 0; i < 6; ++i) CHECK((a.at(i) >= 0 && a.at(i) < 1));
  RandomStreams again(11);
  ScanResult r2 = scan([&](const std::vector<Var>& a2) { return std::vector<Var>{a2[0] + again.uniform({2}, 0, 1, DType::Float64)}; },
                       {x}, {ScanOutput::none()});
  Function f2 = function({x}, {r2.outputs[0]}, r2.updates);
  CHECK(allclose(f2({zeros})[0], a, 0, 0));  // same seed, same numbers
}

TEST_CASE("scan: truncate_gradient stops the gradient after the last k steps") {
  Var x = input(DType::Float64, Shape{5}, "x");
  Var h0 = input(DType::Float64, Shape{}, "h0");
  // h_t = h_{t-1} * 0.5 + x_t; cost = h_T: d cost / d x_t = 0.5^(T-1-t).
  ScanResult r = scan([](const std::vector<Var>& a) { return std::vector<Var>{a[1] * 0.5 + a[0]}; }, {x}, {h0}, {},
                      Dim(int64_t(-1)), false, 2);
  Var cost = sum(subtensor(r.outputs[0], {Index::at(Bound(int64_t(-1)))}));
  std::vector<Var> g = grad(cost, {x, h0});
  Function f = function({x, h0}, g);
  const auto& out = f({Tensor::from<double>({1, 2, 3, 4, 5}, Shape{5}), Tensor::scalar<double>(1.0)});
  CHECK(out[0].to_vector() == std::vector<double>{0, 0, 0, 0.5, 1});
  CHECK(out[1].item() == 0.0);
}

TEST_CASE("scan: mistakes name what was wrong") {
  Var x = input(DType::Float64, Shape{4, 2}, "x");
  Var h0 = input(DType::Float64, Shape{2}, "h0");
  auto same = [](const std::vector<Var>& a) { return std::vector<Var>{a[0]}; };
  CHECK_THROWS_WITH_AS(scan(same, {}, {h0}), doctest::Contains("n_steps must be given"), ValueError);
  CHECK_THROWS_WITH_AS(scan([](const std::vector<Var>& a) { return std::vector<Var>{a[0], a[1]}; }, {x}, {h0}),
                       doctest::Contains("returned 2 outputs but outputs_info has 1"), ValueError);
  CHECK_THROWS_WITH_AS(scan([](const std::vector<Var>& a) { return std::vector<Var>{a[0] * 2.0}; }, {x},
                            {constant(Tensor::zeros(DType::Float64, Shape{3}))}),
                       doctest::Contains("keeps its shape"), ValueError);
  CHECK_THROWS_WITH_AS(scan(same, {x}, {ScanOutput(h0, {1})}), doctest::Contains("must be negative"), ValueError);
  CHECK_THROWS_WITH_AS(scan([](const std::vector<Var>& a) { return std::vector<Var>{cast(a[0], DType::Int64)}; }, {x},
                            {ScanOutput::none()}),
                       doctest::Contains("must be float"), ValueError);
  // A step whose shape changes between steps is caught when it runs.
  Var seq = input(DType::Float64, Shape{-1, -1}, "seq");
  ScanResult r = scan([](const std::vector<Var>& a) { return std::vector<Var>{a[0]}; }, {seq}, {ScanOutput::none()});
  Function f = function({seq}, {r.outputs[0]});
  CHECK(f({Tensor::zeros(DType::Float64, Shape{3, 2})})[0].shape() == Shape{3, 2});
}

TEST_CASE("scan: rng_fork gives every step its own seed and keeps the counter") {
  Tensor state = ints({12345, 7}, Shape{2});
  Var s = constant(state);
  Tensor a = eval(rng_fork(s, constant(ints({0}, Shape{})))), b = eval(rng_fork(s, constant(ints({1}, Shape{}))));
  CHECK(a.iat(1) == 7);
  CHECK(b.iat(1) == 7);
  CHECK(a.iat(0) != b.iat(0));
  CHECK(a.iat(0) != 12345);
}
