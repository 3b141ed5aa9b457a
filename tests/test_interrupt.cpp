// A call stopped between steps (core/interrupt.hpp): Interrupted, no update
// applied, and the function works as before on the next call.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/interrupt.hpp"
#include "nabla.hpp"

using namespace nabla;

namespace {
// A function of `steps` chained steps over an n x n matrix that also updates w and c.
struct LongCall {
  Var a;
  Var w = shared(Tensor::zeros(DType::Float32, {4096}), "w");
  Var c = shared(Tensor::zeros(DType::Int64, {}), "c");
  Function f;
  explicit LongCall(int steps, int64_t n = 64) : a(shared(Tensor::full(DType::Float32, {n, n}, 0.01), "a")) {
    Var y = a;
    for (int k = 0; k < steps; ++k) y = tanh(dot(y, a) + 0.5);
    f = function({}, {sum(y)}, {{w, w + 1.0}, {c, c + int64_t(1)}});
  }
};
}  // namespace

TEST_CASE("interrupt: a flag set before the call stops it at once and updates nothing") {
  LongCall run(50);
  run.f();
  std::atomic<bool> flag{true};
  {
    InterruptScope scope(&flag);
    CHECK_THROWS_AS(run.f(), Interrupted);
  }
  CHECK(run.c.value_ref().iat(0) == 1);
  CHECK(run.w.value_ref().data<float>()[0] == 1.0f);
  run.f();  // runs whole again once the flag is down
  CHECK(run.c.value_ref().iat(0) == 2);
  CHECK(run.w.value_ref().data<float>()[4095] == 2.0f);
}

TEST_CASE("interrupt: a flag raised during a long call stops it between steps") {
  // 3000 products of 160x160 (~12 GFLOP): a call of 0.1 s or more even on a
  // fast core, so the flag raised after 20 ms always lands mid-call.
  LongCall run(3000, 160);
  run.f();
  std::atomic<bool> flag{false};
  std::thread raiser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    flag = true;
  });
  const auto t0 = std::chrono::steady_clock::now();
  {
    InterruptScope scope(&flag);
    CHECK_THROWS_AS(run.f(), Interrupted);
  }
  raiser.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 0.5);
  CHECK(run.c.value_ref().iat(0) == 1);
  const float* w = run.w.value_ref().data<float>();
  CHECK(w[0] == 1.0f);
  CHECK(w[4095] == 1.0f);
  run.f();
  CHECK(run.c.value_ref().iat(0) == 2);
}

TEST_CASE("interrupt: threads without a flag are never stopped") {
  LongCall run(10);
  std::atomic<bool> flag{true};
  InterruptScope none(nullptr);
  CHECK_NOTHROW(run.f());
  CHECK_FALSE(interrupt_requested());
}

