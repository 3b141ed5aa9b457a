// Semantics of compiled functions: updates, givens, buffer reuse, rewrites, modes.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "alloc_counter.hpp"
#include "compile_helpers.hpp"
#include "op_table.hpp"

using namespace nabla;

namespace {
Tensor f32(const std::vector<float>& v, const Shape& s) { return Tensor::from<float>(v, s); }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("function: updates all see the values from before the call") {
  Var a = shared(f32({1, 2}, {2}), "a");
  Var b = shared(f32({10, 20}, {2}), "b");
  SUBCASE("swap") {
    Function f = function({}, {}, {{a, b}, {b, a}});
    f();
    CHECK(a.get_value().to_vector() == std::vector<double>{10, 20});
    CHECK(b.get_value().to_vector() == std::vector<double>{1, 2});
    f();
    CHECK(a.get_value().to_vector() == std::vector<double>{1, 2});
  }
  SUBCASE("chained") {
    Function f = function({}, {a + b}, {{a, a + 1.0}, {b, a * 2.0}});
    auto out = f();
    CHECK(out[0].to_vector() == std::vector<double>{11, 22});  // outputs use old values too
    CHECK(a.get_value().to_vector() == std::vector<double>{2, 3});
    CHECK(b.get_value().to_vector() == std::vector<double>{2, 4});
    f();
    CHECK(a.get_value().to_vector() == std::vector<double>{3, 4});
    CHECK(b.get_value().to_vector() == std::vector<double>{4, 6});
  }
}

TEST_CASE("function: givens with a symbolic slice of a shared data set") {
  Tensor data(DType::Float32, {100, 3});
  for (int64_t i = 0; i < data.size(); ++i) data.set(i, double(i));
  Var d = shared(data, "data");
  Var x = matrix("x");
  Var i = lscalar("i");
  const int m = 10;
  Function f = function({i}, {sum(x, 1)}, {}, {{x, slice(d, i * double(m), (i + 1.0) * double(m))}});
  for (int64_t batch : {0, 3, 9}) {
    auto out = f({Tensor::scalar<int64_t>(batch)});
    REQUIRE(out[0].shape() == Shape{m});
    for (int r = 0; r < m; ++r) {
      int64_t row = batch * m + r;
      CHECK(out[0].at(r) == doctest::Approx(double(3 * row * 3 + 3)));
    }
  }
}

TEST_CASE("function: no buffer and no heap allocation after the first call") {
  Var x = matrix("x");
  Var y = matrix("y");
  Var W = shared(Tensor::from<float>(std::vector<float>(784 * 30, 0.01f), {784, 30}), "W");
  Var b = shared(Tensor::zeros(DType::Float32, {30}), "b");
  Var a = sigmoid(dot(x, W) + b);
  Var cost = mean(sum(sqr(a - y), 1)) * 0.5;
  auto g = grad(cost, {W, b});
  Function train = function({x, y}, {cost}, {{W, W - 3.0 * g[0]}, {b, b - 3.0 * g[1]}});
  std::vector<Tensor> args = {Tensor::full(DType::Float32, {10, 784}, 0.5),
                              Tensor::full(DType::Float32, {10, 30}, 0.25)};
  train(args);
  uint64_t buffers_before = Buffer::allocations();
  uint64_t heap_before = heap_allocations();
  double c1 = train(args)[0].item();
  double c2 = train(args)[0].item();
  CHECK(Buffer::allocations() == buffers_before);
  CHECK(heap_allocations() == heap_before);
  CHECK(train.stats().last_call_allocations == 0);
  CHECK(train.stats().calls == 3);
  CHECK(c2 < c1);  // the update did something
}

TEST_CASE("function: a new input shape re-plans, then stops allocating again") {
  Var x = matrix("x");
  Function f = function({x}, {exp(x) + 1.0});
  f({Tensor::zeros(DType::Float32, {2, 3})});
  f({Tensor::zeros(DType::Float32, {20, 30})});
  CHECK(f.stats().last_call_allocations > 0);
  auto out = f({Tensor::zeros(DType::Float32, {20, 30})});
  CHECK(f.stats().last_call_allocations == 0);
  CHECK(out[0].shape() == Shape{20, 30});
  CHECK(out[0].at(599) == doctest::Approx(2.0));
  out = f({Tensor::zeros(DType::Float32, {2, 3})});  // smaller fits in the grown buffers
  CHECK(f.stats().last_call_allocations == 0);
  CHECK(out[0].shape() == Shape{2, 3});
}

TEST_CASE("function: identical subexpressions are merged and constants folded") {
  Var x = vector("x");
  Var two = constant(2.0, DType::Float32);
  Var three = constant(3.0, DType::Float32);
  Var e = exp(x) * (two * three) + exp(x) * (two * three);
  Function f = function({x}, {e});
  CHECK(rewrite_count(f, "merge") > 0);
  CHECK(rewrite_count(f, "constant_fold") > 0);
  // exp, mul, add remain (one exp, one product, one sum), fused into one loop.
  CHECK(f.stats().steps == 1);
  CHECK(rewrite_count(f, "elementwise_fusion") == 1);
  auto out = f({f32({0, 1}, {2})});
  CHECK(out[0].at(0) == doctest::Approx(12.0));
  CHECK(out[0].at(1) == doctest::Approx(12.0 * std::exp(1.0)).epsilon(1e-5));
}

TEST_CASE("function: log(softmax(x)) is stabilized") {
  Var x = matrix("x");
  Var naive = log(softmax(x));
  Tensor big = f32({0, 200, -200, 0}, {2, 2});
  Tensor unstable = eval(naive, {{x, big}});
  CHECK(std::isinf(unstable.at(0)));  // the unoptimized graph loses it
  Function f = function({x}, {naive});
  CHECK(rewrite_count(f, "log_softmax") == 1);
  auto out = f({big});
  CHECK(out[0].at(0) == doctest::Approx(-200.0));  // row (0, 200)
  CHECK(out[0].at(1) == doctest::Approx(0.0));
  CHECK(out[0].at(2) == doctest::Approx(-200.0));  // row (-200, 0)
  CHECK(out[0].at(3) == doctest::Approx(0.0));
}

TEST_CASE("function: matmul of a transpose becomes a GEMM flag") {
  Var a = matrix("a");
  Var b = matrix("b");
  Function f = function({a, b}, {dot(transpose(a), b)});
  CHECK(rewrite_count(f, "matmul_transpose") == 1);
  CHECK(f.stats().steps == 1);
  auto out = f({f32({1, 2, 3, 4, 5, 6}, {3, 2}), f32({1, 0, 0, 1, 1, 1}, {3, 2})});
  CHECK(out[0].to_vector() == std::vector<double>{1 + 5, 3 + 5, 2 + 6, 4 + 6});
}

TEST_CASE("function: errors name the input, the op and the user's line") {
  Var x = matrix("x");
  Var y = matrix("y");
  SUBCASE("missing input") {
    try {
      function({x}, {x + y});
      FAIL("expected an error");
    } catch (const ValueError& e) {
      CHECK(contains(e.what(), "'y'"));
      CHECK(contains(e.what(), "test_function.cpp"));
    }
  }
  SUBCASE("wrong dtype and rank at call time") {
    Function f = function({x}, {x * 2.0});
    CHECK_THROWS_AS(f({Tensor::zeros(DType::Float64, {2, 2})}), TypeError);
    CHECK_THROWS_AS(f({Tensor::zeros(DType::Float32, {4})}), ShapeError);
    CHECK_THROWS_AS(f({}), ValueError);
  }
  SUBCASE("shape mismatch at run time names shapes and line") {
    Var s = x + y;  // this line is in the message
    Function f = function({x, y}, {s});
    try {
      f({Tensor::zeros(DType::Float32, {2, 3}), Tensor::zeros(DType::Float32, {4, 5})});
      FAIL("expected an error");
    } catch (const ShapeError& e) {
      CHECK(contains(e.what(), "(2,3)"));
      CHECK(contains(e.what(), "(4,5)"));
      CHECK(contains(e.what(), "test_function.cpp:"));
    }
  }
  SUBCASE("static shape mismatch at build time names both shapes and the line") {
    Var W = shared(Tensor::zeros(DType::Float32, {30, 784}), "W");
    Var xi = input(DType::Float32, {-1, 784}, "x");
    int line = __LINE__ + 2;
    try {
      dot(xi, W);
      FAIL("expected an error");
    } catch (const ShapeError& e) {
      CHECK(contains(e.what(), "(?,784)"));
      CHECK(contains(e.what(), "(30,784)"));
      CHECK(contains(e.what(), "test_function.cpp:" + std::to_string(line)));
    }
  }
  SUBCASE("update of a non-shared variable") {
    CHECK_THROWS_AS(function({x}, {}, {{x, x * 2.0}}), TypeError);
  }
}

TEST_CASE("function: NanGuard stops at the first op producing NaN and names it") {
  Var x = vector("x");
  Var l = log(x);  // log(-1) = NaN
  Function f = function({x}, {l * 2.0}, {}, {}, Mode::NanGuard);
  try {
    f({f32({1, -1}, {2})});
    FAIL("expected an error");
  } catch (const ValueError& e) {
    CHECK(contains(e.what(), "log"));
    CHECK(contains(e.what(), "test_function.cpp:"));
  }
  Function plain = function({x}, {l * 2.0});
  CHECK(std::isnan(plain({f32({1, -1}, {2})})[0].at(1)));
}

TEST_CASE("function: Debug mode compares optimized and unoptimized programs") {
  Var x = matrix("x");
  Function f = function({x}, {log(softmax(x)) + exp(x) * exp(x)}, {}, {}, Mode::Debug);
  auto out = f({f32({0.1f, 0.2f, 0.3f, 0.4f}, {2, 2})});
  CHECK(out[0].shape() == Shape{2, 2});
}

TEST_CASE("function: Debug mode with an update in place gives FastRun's values and updates") {
  // The optimized program writes W - eta * g into W's buffer (gemm_acc in place);
  // the unoptimized reference runs first and must leave W alone, or the two
  // programs see different W and every call is reported as a mismatch.
  std::vector<std::vector<double>> costs, weights;
  for (Mode mode : {Mode::FastRun, Mode::Debug}) {
    Var x = input(DType::Float32, {4, 5}, "x");
    Var W = shared(Tensor::full(DType::Float32, {5, 3}, 0.1f), "W");
    Var cost = sum(tanh(matmul(x, W)));
    Var gW = grad(cost, {W})[0];
    Function f = function({x}, {cost}, {{W, W - 0.5 * gW}}, {}, mode);
    const Tensor xv = Tensor::full(DType::Float32, {4, 5}, 0.3f);
    std::vector<double> c;
    for (int i = 0; i < 3; ++i) c.push_back(f({xv})[0].item());
    costs.push_back(c);
    weights.push_back(W.get_value().values<double>());
  }
  CHECK(costs[0][0] != costs[0][1]);  // the updates changed W between calls
  CHECK(costs[1] == costs[0]);
  CHECK(weights[1] == weights[0]);
}

TEST_CASE("grad: errors and options") {
  Var x = vector("x");
  Var z = vector("z");
  CHECK_THROWS_AS(grad(x * 2.0, x), GradError);  // not a scalar
  try {
    grad(sum(x), z);
    FAIL("expected an error");
  } catch (const GradError& e) {
    CHECK(contains(e.what(), "'z'"));
  }
  Var gz = grad(sum(x), z, Disconnected::Zero);
  auto out = eval(gz, {{z, f32({1, 2, 3}, {3})}});
  CHECK(out.to_vector() == std::vector<double>{0, 0, 0});
  // A disconnected input among connected ones is named too.
  try {
    grad(sum(x * x), {x, z});
    FAIL("expected an error");
  } catch (const GradError& e) {
    CHECK(contains(e.what(), "'z'"));
  }
}

TEST_CASE("debugprint and to_dot show ops, ids, dtypes and shapes") {
  Var x = input(DType::Float32, {10, 784}, "x");
  Var W = shared(Tensor::zeros(DType::Float32, {784, 30}), "W");
  Var a = sigmoid(dot(x, W));
  std::string text = debugprint(a);
  CHECK(contains(text, "sigmoid"));
  CHECK(contains(text, "matmul"));
  CHECK(contains(text, "float32(10,30)"));
  CHECK(contains(text, "'W'"));
  std::string dot_text = to_dot({a});
  CHECK(contains(dot_text, "digraph"));
  CHECK(contains(dot_text, "->"));
  Function f = function({x}, {a});
  CHECK(contains(debugprint(f), "sigmoid"));
  CHECK(contains(f.program_text(), "slot"));
}

TEST_CASE("function: a value read twice by one step is freed once (no two temporaries share a buffer)") {
  Var x = vector("x");
  Var a = x + 1.0;
  Var out = a * a + (x * 3.0) / (x * 4.0);
  for (Mode mode : {Mode::FastCompile, Mode::FastRun}) {
    Function f = function({x}, {out}, {}, {}, mode);
    auto r = f({f32({1, 2}, {2})});
    CHECK(r[0].at(0) == doctest::Approx(4.75));
    CHECK(r[0].at(1) == doctest::Approx(9.75));
  }
}

TEST_CASE("function: a slice of a cast is computed as a cast of the slice") {
  Var labels = shared(Tensor::from<float>({0, 1, 2, 3, 4, 5, 6, 7}, {8}), "labels");
  Var i = lscalar("i");
  Var batch = slice(cast(labels, DType::Int32), i * 2, (i + 1) * 2);
  Function f = function({i}, {batch});
  CHECK(rewrite_count(f, "slice_before_cast") == 1);
  auto out = f({Tensor::scalar<int64_t>(2)});
  CHECK(out[0].dtype() == DType::Int32);
  CHECK(out[0].to_vector() == std::vector<double>{4, 5});
}
