// 2.1 / 2.2 — backpropagation checked and timed on a [784,30,10] network.
// (a) One mini-batch gradient (the first 10 training images, float64, network2's
//     default init) three ways: nabla's grad of the mean cost, the equations
//     BP1-BP4 per example (backprop_equations.hpp), and central finite
//     differences of every weight and bias (eq. 46, the "million and one passes").
// (b) Time per mini-batch in float32, as training runs: one compiled call per
//     example (network.py's loop) against the whole mini-batch in one call.
// Book: matrix-based over the mini-batch is "about a factor of two" faster.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "backprop_equations.hpp"
#include "network2_run.hpp"
#include "tensor_rows.hpp"

namespace book {
namespace {

using namespace nabla;
namespace bp = backprop;
using Clock = std::chrono::steady_clock;

const std::vector<int64_t> kSizes{784, 30, 10};

// Weight and bias placeholders (function inputs, so finite differences can perturb them).
struct Params {
  std::vector<Var> W, b, all;
  explicit Params(DType dtype) {
    for (size_t l = 1; l < kSizes.size(); ++l) {
      W.push_back(matrix("W" + std::to_string(l), dtype));
      b.push_back(vector("b" + std::to_string(l), dtype));
      all.push_back(W.back());
      all.push_back(b.back());
    }
  }
};

std::vector<Tensor> initial_values(uint64_t seed, DType dtype) {
  nn::Rng rng(seed);
  std::vector<Tensor> v;
  for (size_t l = 1; l < kSizes.size(); ++l) {  // network2's default_weight_initializer
    v.push_back(nn::normal({kSizes[l], kSizes[l - 1]}, 0.0, 1.0 / std::sqrt(double(kSizes[l - 1])), rng, dtype));
    v.push_back(nn::normal({kSizes[l]}, 0.0, 1.0, rng, dtype));
  }
  return v;
}

// (a) The largest relative difference (see relative_difference) over the four parameter tensors.
json check_gradients(const nn::Split& train, nn::Cost cost, uint64_t seed, int64_t m) {
  Params p(DType::Float64);
  Var X = matrix("X", DType::Float64), Y = matrix("Y", DType::Float64);
  std::vector<Var> inputs{X, Y};
  inputs.insert(inputs.end(), p.all.begin(), p.all.end());
  Var C = bp::mean_cost(p.W, p.b, X, Y, cost);
  bp::Gradients eq = bp::mean_over_rows(p.W, p.b, X, Y, m, cost);
  std::vector<Var> outputs = grad(C, p.all);
  for (size_t l = 0; l < p.W.size(); ++l) outputs.insert(outputs.end(), {eq.w[l], eq.b[l]});
  Function both = function(inputs, outputs);
  Function cost_fn = function(inputs, {C});

  std::vector<Tensor> args{rows(train.x, 0, m).astype(DType::Float64),
                           nn::one_hot(rows(train.y, 0, m), 10).astype(DType::Float64)};
  for (const Tensor& t : initial_values(seed, DType::Float64)) args.push_back(t);
  std::vector<Tensor> got;
  for (const Tensor& t : both(args)) got.push_back(t.copy());

  double vs_equations = 0, vs_fd = 0;
  auto start = Clock::now();
  for (size_t k = 0; k < p.all.size(); ++k) {
    vs_equations = std::max(vs_equations, bp::relative_difference(got[k], got[p.all.size() + k]));
    vs_fd = std::max(vs_fd, bp::relative_difference(got[k], bp::finite_differences(cost_fn, args, 2 + k)));
  }
  const double fd_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return json{{"cost", nn::cost_class_name(cost)}, {"mini_batch", m},
              {"grad_vs_bp_equations", vs_equations}, {"grad_vs_finite_differences", vs_fd},
              {"finite_difference_eps", 1e-6}, {"finite_difference_seconds", fd_seconds}};
}

// Best-of-5 seconds of one call of `pass` (one sweep over the timing images).
template <class F> double best_time(F pass) {
  pass();  // warm-up: first calls allocate buffers
  double best = 1e300;
  for (int r = 0; r < 5; ++r) {
    auto t0 = Clock::now();
    pass();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return best;
}

// (b) Microseconds per mini-batch gradient of mean cross-entropy, three ways.
json time_mini_batches(const nn::Split& train, int64_t m, uint64_t seed) {
  const int64_t n = 1000, batches = n / m;
  Params p(DType::Float32);
  std::vector<Tensor> values = initial_values(seed, DType::Float32);
  // Per example, the sums network.py keeps (nabla_b += delta_nabla_b) are shared accumulators.
  std::vector<Var> acc;
  for (const Tensor& v : values) acc.push_back(shared(Tensor::zeros(DType::Float32, v.shape())));
  auto accumulate = [&](const std::vector<Var>& g) {
    Updates u;
    for (size_t k = 0; k < acc.size(); ++k) u.push_back({acc[k], acc[k] + g[k]});
    return u;
  };
  auto with_params = [&](std::vector<Tensor> a) {
    a.insert(a.end(), values.begin(), values.end());
    return a;
  };
  auto inputs = [&](std::vector<Var> in) {
    in.insert(in.end(), p.all.begin(), p.all.end());
    return in;
  };

  // One example per call: BP1-BP4 on vectors, and grad on a one-row matrix.
  Var x = vector("x"), y = vector("y");
  bp::Gradients eq = bp::one_example(p.W, p.b, x, y, nn::Cost::CrossEntropy);
  Function per_example_bp = function(inputs({x, y}), {}, accumulate({eq.w[0], eq.b[0], eq.w[1], eq.b[1]}));
  Var X = matrix("X"), Y = matrix("Y");
  std::vector<Var> g = grad(bp::mean_cost(p.W, p.b, X, Y, nn::Cost::CrossEntropy), p.all);
  Function per_example_grad = function(inputs({X, Y}), {}, accumulate(g));
  // The whole mini-batch in one call.
  Function whole_batch = function(inputs({X, Y}), g);

  Tensor labels = nn::one_hot(rows(train.y, 0, n), 10);
  std::vector<std::vector<Tensor>> ex_vec, ex_row, batch;
  for (int64_t i = 0; i < n; ++i) {
    ex_vec.push_back(with_params({row(train.x, i), row(labels, i)}));
    ex_row.push_back(with_params({rows(train.x, i, 1), rows(labels, i, 1)}));
  }
  for (int64_t k = 0; k < batches; ++k) batch.push_back(with_params({rows(train.x, k * m, m), rows(labels, k * m, m)}));

  auto us = [&](double seconds) { return 1e6 * seconds / double(batches); };
  const double bp_loop = us(best_time([&] { for (auto& a : ex_vec) per_example_bp(a); }));
  const double grad_loop = us(best_time([&] { for (auto& a : ex_row) per_example_grad(a); }));
  const double matrix = us(best_time([&] { for (auto& a : batch) whole_batch(a); }));
  return json{{"mini_batch", m},
              {"per_example_bp_equations_us", bp_loop},
              {"per_example_grad_us", grad_loop},
              {"whole_mini_batch_grad_us", matrix},
              {"speedup_vs_bp_loop", bp_loop / matrix},
              {"speedup_vs_grad_loop", grad_loop / matrix}};
}

Report run(const Context& ctx) {
  const nn::Split& train = mnist(ctx).training;
  Report rep;
  rep.settings = json{{"sizes", kSizes}, {"init", "default"}, {"check_mini_batch", 10}, {"check_dtype", "float64"},
                      {"timing_images", 1000}, {"timing_dtype", "float32"}};
  json checks = json::array(), timings = json::array();
  double worst_eq = 0, worst_fd = 0;
  for (nn::Cost cost : {nn::Cost::Quadratic, nn::Cost::CrossEntropy}) {
    json c = check_gradients(train, cost, ctx.seed, 10);
    if (!ctx.quiet)
      std::printf("%-16s grad vs BP1-BP4: %.2e   grad vs finite differences: %.2e   (%.1f s of finite differences)\n",
                  c["cost"].get<std::string>().c_str(), c["grad_vs_bp_equations"].get<double>(),
                  c["grad_vs_finite_differences"].get<double>(), c["finite_difference_seconds"].get<double>());
    worst_eq = std::max(worst_eq, c["grad_vs_bp_equations"].get<double>());
    worst_fd = std::max(worst_fd, c["grad_vs_finite_differences"].get<double>());
    checks.push_back(c);
  }
  for (int64_t m : {10, 100}) {
    json t = time_mini_batches(train, m, ctx.seed);
    if (!ctx.quiet)
      std::printf("mini-batch %3lld: per example BP1-BP4 %.1f us, per example grad %.1f us, whole mini-batch %.1f us"
                  " -> %.1fx / %.1fx faster\n",
                  static_cast<long long>(m), t["per_example_bp_equations_us"].get<double>(),
                  t["per_example_grad_us"].get<double>(), t["whole_mini_batch_grad_us"].get<double>(),
                  t["speedup_vs_bp_loop"].get<double>(), t["speedup_vs_grad_loop"].get<double>());
    timings.push_back(t);
  }
  rep.extra = json{{"gradient_check", checks}, {"timing", timings}};
  char line[300];
  std::snprintf(line, sizeof line,
                "largest relative difference: grad vs BP1-BP4 %.1e, grad vs finite differences %.1e; whole mini-batch "
                "of 10 %.1fx faster than per example (book: about 2x)",
                worst_eq, worst_fd, timings[0]["speedup_vs_bp_loop"].get<double>());
  rep.summary = line;
  return rep;
}

const bool registered = register_experiment(
    {"2.1", "backprop: grad vs BP1-BP4 vs finite differences, timing",
     "matrix-based mini-batch backprop about 2x faster than per example",
     "[784,30,10] default init; check: first 10 training images in float64, every parameter by central differences; "
     "timing: 1,000 images in float32, mini-batches of 10 and 100",
     run});

}  // namespace
}  // namespace book
