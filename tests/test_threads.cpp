// One compiled function called from several threads at once: every result
// right (calls are serialized per function), and two functions in parallel.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>
#include <vector>

#include "nabla.hpp"

using namespace nabla;

TEST_CASE("threads: one Function called from 4 threads x 2000 calls gives every result right") {
  Var x = input(DType::Float32, Shape{64}, "x");
  Var w = shared(Tensor::full(DType::Float32, {64}, 0.5), "w");
  Function f = function({x}, {sum(tanh(x * w) + x)});
  Function g = f;  // a copy shares the program and its lock
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      Function& mine = t % 2 ? g : f;
      for (int i = 0; i < 2000; ++i) {
        const float v = float((t * 2000 + i) % 97) / 97.0f;
        Tensor arg = Tensor::full(DType::Float32, {64}, v);
        const double got = mine.call_copy({arg})[0].item();
        const double want = 64.0 * (std::tanh(double(v) * 0.5) + v);
        if (std::abs(got - want) > 1e-3) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  CHECK(f.stats().calls == 8000);
}

// ---- intra-op threads (set_num_threads) ----------------------------------------------------

namespace {

// Deterministic values in [-s, s) without a library generator.
Tensor filled(Shape shape, double s, uint32_t seed) {
  Tensor t(DType::Float32, shape);
  uint32_t v = seed * 2654435761u + 1u;
  for (int64_t i = 0; i < t.size(); ++i) {
    v = v * 1664525u + 1013904223u;
    t.data<float>()[i] = float(s * (double(v >> 8) / double(1 << 24) * 2.0 - 1.0));
  }
  return t;
}

// Eight SGD steps of 6.2's conv net (conv 20x5x5 + 2x2 max-pool + sigmoid, FC
// 2880 -> 100 sigmoid, softmax 10) at mini-batch 10, on `threads` threads: every
// kernel that splits its work (conv and its gradients, pooling, the fused loops,
// the FC GEMMs and their updates) runs split. Returns the parameters.
std::vector<Tensor> conv_net_steps(int threads) {
  const int before = num_threads();
  set_num_threads(threads);
  Var x = input(DType::Float32, {10, 1, 28, 28}, "x");
  Var y = ivector("y");
  Var f = shared(filled({20, 1, 5, 5}, 0.2, 1), "f");
  Var b = shared(filled({20}, 0.5, 2), "b");
  Var W = shared(filled({2880, 100}, 0.02, 3), "W");
  Var c = shared(filled({100}, 0.5, 4), "c");
  Var V = shared(filled({100, 10}, 0.1, 5), "V");
  Var h = sigmoid(pool_2d(conv2d(x, f), {2, 2}) + reshape(b, {1, 20, 1, 1}));
  Var a = sigmoid(dot(flatten(h, 2), W) + c);
  Var cost = mean(softmax_xent(dot(a, V), y));
  std::vector<Var> params = {f, b, W, c, V};
  auto g = grad(cost, params);
  Updates updates;
  for (size_t k = 0; k < params.size(); ++k) updates.push_back({params[k], params[k] - 0.1 * g[k]});
  Function step = function({x, y}, {cost}, updates);
  Tensor labels(DType::Int32, {10});
  for (int i = 0; i < 10; ++i) labels.data<int32_t>()[i] = (i * 7) % 10;
  for (uint32_t s = 0; s < 8; ++s) step({filled({10, 1, 28, 28}, 1.0, 100 + s), labels});
  std::vector<Tensor> out;
  for (const Var& p : params) out.push_back(p.get_value());
  set_num_threads(before);
  return out;
}

bool bit_identical(const Tensor& a, const Tensor& b) {
  return a.shape() == b.shape() && std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0;
}

}  // namespace

TEST_CASE("threads: a conv-net training run on 2 threads is bit-identical when repeated") {
  const std::vector<Tensor> first = conv_net_steps(2), second = conv_net_steps(2);
  for (size_t k = 0; k < first.size(); ++k) CHECK(bit_identical(first[k], second[k]));
}

TEST_CASE("threads: repeated 2-thread runs stay bit-identical while another thread keeps a core busy") {
  // The split ops hand chunks to whichever thread is free (ChunkQueue), so a
  // busy core changes who runs what; the results must not change with it.
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    volatile uint64_t spin = 0;
    while (!stop.load(std::memory_order_relaxed)) spin = spin + 1;
  });
  const std::vector<Tensor> reference = conv_net_steps(2);
  std::vector<std::vector<Tensor>> repeats;
  for (int r = 0; r < 3; ++r) repeats.push_back(conv_net_steps(2));
  stop = true;
  busy.join();
  for (const auto& run : repeats)
    for (size_t k = 0; k < reference.size(); ++k) CHECK(bit_identical(run[k], reference[k]));
}

TEST_CASE("threads: a conv-net training run on 1 and 2 threads agrees to float tolerance") {
  const std::vector<Tensor> one = conv_net_steps(1), two = conv_net_steps(2);
  for (size_t k = 0; k < one.size(); ++k) {
    REQUIRE(one[k].shape() == two[k].shape());
    double worst = 0, scale = 0;
    for (int64_t i = 0; i < one[k].size(); ++i) {
      worst = std::max(worst, std::abs(double(one[k].data<float>()[i]) - two[k].data<float>()[i]));
      scale = std::max(scale, std::abs(double(one[k].data<float>()[i])));
    }
    INFO("parameter " << k << ": max |1-thread - 2-thread| = " << worst << " (max |value| " << scale << ")");
    CHECK(worst <= 1e-5 * std::max(1.0, scale));
  }
}
