// One-off timing of the book's 6.2 conv layer (not part of the CMake build):
// x (10,1,28,28) -> conv2d with W (20,1,5,5) -> 2x2 max pool -> sigmoid(. + b),
// forward alone and forward + backward (gradients of W and b, SGD update),
// one thread. Build against a configured build dir, e.g.
//   g++ -std=c++17 -O2 -march=native -I. benchmarks/micro_conv.cpp build/libnabla.a \
//       -lopenblas -lz -fopenmp -o /tmp/micro_conv && /tmp/micro_conv
#include <chrono>
#include <cstdio>

#include "nabla.hpp"

using namespace nabla;

namespace {

double micros_per_call(Function& f, const std::vector<Tensor>& args, int reps) {
  for (int i = 0; i < 20; ++i) f(args);  // warm-up: plan buffers, grow scratch
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) f(args);
  const auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::micro>(t1 - t0).count() / reps;
}

}  // namespace

int main() {
  set_num_threads(1);
  Var x = input(DType::Float32, {10, 1, 28, 28}, "x");
  Var W = shared(Tensor::full(DType::Float32, {20, 1, 5, 5}, 0.01f), "W");
  Var b = shared(Tensor::zeros(DType::Float32, {20}), "b");
  Var out = sigmoid(pool_2d(conv2d(x, W), {2, 2}) + dimshuffle(b, {bcast, 0, bcast, bcast}));
  Var cost = mean(out);
  auto g = grad(cost, {W, b});

  RandomStreams rng(1);
  Tensor xv = eval(rng.uniform({10, 1, 28, 28}, 0.0, 1.0));
  const std::vector<Tensor> args{xv};
  const int reps = 2000;

  Function conv_only = function({x}, {conv2d(x, W)});
  Function fwd = function({x}, {cost});
  Function fwd_bwd = function({x}, {cost, g[0], g[1]});
  Function train = function({x}, {cost}, {{W, W - 0.03 * g[0]}, {b, b - 0.03 * g[1]}});
  std::printf("conv2d alone          %8.1f us per mini-batch of 10\n", micros_per_call(conv_only, args, reps));
  std::printf("forward (conv+pool+sigmoid) %8.1f us\n", micros_per_call(fwd, args, reps));
  std::printf("forward + backward    %8.1f us\n", micros_per_call(fwd_bwd, args, reps));
  std::printf("train step (+ update) %8.1f us\n", micros_per_call(train, args, reps));
  return 0;
}
