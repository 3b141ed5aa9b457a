// Elementwise fusion: the fused op's values against plain loops (every way an
// input can be broadcast), random chains fused vs unfused, and where fusion
// must stop (values read twice, NanGuard).
#include <doctest/doctest.h>

#include <cmath>
#include <random>
#include <string>

#include "op_table.hpp"
#include "ops/fused_elementwise.hpp"

using namespace nabla;

namespace {

int rewrite_count(const Function& f, const std::string& name) {
  for (const auto& [n, c] : f.rewrites_applied())
    if (n == name) return c;
  return 0;
}
int count_of(const std::string& text, const std::string& part) {
  int n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The fused op itself, built by fuse_elementwise, with a full input, a bias row,
// a column and a scalar: tanh(x * s + b) * c - x.
const bool row_fused = add_op_row(
    {"fused_elementwise",
     {sample({3, 5}, -1, 1, 71), sample({5}, -1, 1, 72), sample({3, 1}, -1, 1, 73), sample({}, 0.5, 1.5, 74)},
     [](const std::vector<Var>& v) {
       Var e = sub(mul(tanh(add(mul(v[0], v[3]), v[1])), v[2]), v[0]);
       Var f = fuse_elementwise(e);
       if (!op_as<FusedElementwiseOp>(f)) throw Error("fuse_elementwise did not fuse");
       return f;
     },
     {}, 0,
     [](const std::vector<Tensor>& t) {
       Tensor out(DType::Float64, {3, 5});
       for (int64_t i = 0; i < 3; ++i)
         for (int64_t j = 0; j < 5; ++j) {
           const double x = t[0].at(i * 5 + j);
           out.set(i * 5 + j, std::tanh(x * t[3].at(0) + t[1].at(j)) * t[2].at(i) - x);
         }
       return out;
     }});

// A random expression over inputs of four layouts; bounded so exp stays finite.
struct ChainBuilder {
  std::mt19937 rng;
  std::vector<Var> leaves;
  Var build(int depth) {
    if (depth == 0) return leaves[rng() % leaves.size()];
    switch (rng() % 12) {
      case 0: return add(build(depth - 1), build(depth - 1));
      case 1: return sub(build(depth - 1), build(depth - 1));
      case 2: return mul(build(depth - 1), build(depth - 1));
      case 3: return maximum(build(depth - 1), build(depth - 1));
      case 4: return minimum(build(depth - 1), build(depth - 1));
      case 5: return tanh(build(depth - 1));
      case 6: return sigmoid(build(depth - 1));
      case 7: return exp(tanh(build(depth - 1)));
      case 8: return softplus(build(depth - 1));
      case 9: return erf(neg(build(depth - 1)));
      case 10: return cast(gt(build(depth - 1), build(depth - 1)), build(0).dtype());
      default: return div(build(depth - 1), add(abs(build(depth - 1)), literal(1.0, leaves[0])));
    }
  }
};

}  // namespace

TEST_CASE("fusion: random elementwise chains give the unfused values, in one step") {
  for (DType dt : {DType::Float32, DType::Float64}) {
    for (const Shape& full : {Shape{7, 33}, Shape{300, 257}}) {  // 257: chunks end mid-row
      Var x = input(dt, full, "x");
      Var row = input(dt, Shape{full[1]}, "row");
      Var col = input(dt, Shape{full[0], 1}, "col");
      Var s = input(dt, Shape{}, "s");
      std::vector<Tensor> args = {sample(full, -2, 2, 1).astype(dt), sample({full[1]}, -2, 2, 2).astype(dt),
                                  sample({full[0], 1}, -2, 2, 3).astype(dt), sample({}, -2, 2, 4).astype(dt)};
      Bindings bind = {{x, args[0]}, {row, args[1]}, {col, args[2]}, {s, args[3]}};
      for (unsigned seed = 0; seed < 12; ++seed) {
        ChainBuilder b{std::mt19937(seed), {x, row, col, s}};
        Var e = add(b.build(5), x);  // at least one full-size operand
        Tensor expected = eval(e, bind);
        Function f = function({x, row, col, s}, {e});
        INFO("dtype " << dtype_name(dt) << " shape " << full.str() << " seed " << seed << "\n" << f.program_text());
        CHECK(rewrite_count(f, "elementwise_fusion") >= 1);
        Tensor got = f(args)[0];
        REQUIRE(got.shape() == expected.shape());
        const double tol = dt == DType::Float32 ? 1e-5 : 1e-12;
        CHECK(allclose(got, expected, tol, tol));
      }
    }
  }
}

TEST_CASE("fusion: backprop's (a - y) * a * (1 - a) and the SGD update become single loops") {
  Var z = input(DType::Float32, Shape{10, 30}, "z");
  Var y = input(DType::Float32, Shape{10, 30}, "y");
  Var a = sigmoid(z);
  Var delta = (a - y) * a * (1.0 - a);
  Function f = function({z, y}, {delta});
  CHECK(f.stats().steps == 1);
  CHECK(count_of(f.program_text(), "fused_elementwise") == 1);
  std::vector<Tensor> args = {sample({10, 30}).astype(DType::Float32), sample({10, 30}, 0, 1, 9).astype(DType::Float32)};
  CHECK(allclose(f(args)[0], eval(delta, {{z, args[0]}, {y, args[1]}}), 1e-6, 1e-7));
}

TEST_CASE("fusion: relu(x + b) is one loop in a training step, since its gradient reads relu's output") {
  Var x = input(DType::Float32, Shape{10, 30}, "x");
  Var bias = shared(sample({30}, -1, 1, 4).astype(DType::Float32), "bias");
  Var w = constant(sample({10, 30}, -1, 1, 5).astype(DType::Float32));
  Var z = x + bias;
  Var cost = sum(relu(z) * w);
  std::vector<Var> g = grad(cost, {x, bias});
  Function f = function({x}, {cost, g[0], g[1]});
  const std::string text = f.program_text();
  INFO(text);
  CHECK(count_of(text, "= add(") == 0);      // z is not a step of its own ...
  CHECK(count_of(text, "= maximum(") == 0);  // ... nor relu(z): one fused loop makes it
  const Tensor xs = sample({10, 30}, -1, 1, 6).astype(DType::Float32);
  const auto got = f({xs});
  const Tensor bs = bias.get_value(), ws = eval(w);
  double expect_cost = 0;
  for (int64_t r = 0; r < 10; ++r)
    for (int64_t c = 0; c < 30; ++c) {
      const float zv = float(xs.at(r * 30 + c)) + float(bs.at(c));
      expect_cost += std::max(zv, 0.0f) * ws.at(r * 30 + c);
      CHECK(got[1].at(r * 30 + c) == (zv > 0 ? ws.at(r * 30 + c) : 0.0));
    }
  CHECK(got[0].item() == doctest::Approx(expect_cost).epsilon(1e-5));
}

TEST_CASE("fusion: a value read outside the chain is computed once and not fused into it") {
  Var x = vector("x");
  Var s = sigmoid(x);
  Var out = exp(s) * 2.0;  // exp and mul fuse; s is also an output
  Function f = function({x}, {s, out});
  const std::string text = f.program_text();
  INFO(text);
  CHECK(count_of(text, "= sigmoid(") == 1);
  CHECK(count_of(text, "fused_elementwise") == 1);
  CHECK(count_of(text, "sigmoid(%") == 1);  // not repeated inside the fused program
  Tensor xs = sample({9}).astype(DType::Float32);
  auto got = f({xs});
  for (int64_t i = 0; i < 9; ++i) {
    const double sv = 1 / (1 + std::exp(-xs.at(i)));
    CHECK(got[0].at(i) == doctest::Approx(sv).epsilon(1e-6));
    CHECK(got[1].at(i) == doctest::Approx(std::exp(sv) * 2).epsilon(1e-6));
  }
}

TEST_CASE("fusion: NanGuard keeps ops unfused so it can name the one that failed") {
  Var x = vector("x");
  Var e = log(x - 1.0) * 2.0;
  Function guarded = function({x}, {e}, {}, {}, Mode::NanGuard);
  CHECK(rewrite_count(guarded, "elementwise_fusion") == 0);
  try {
    guarded({Tensor::from<float>({0.5f, 3.0f}, {2})});
    FAIL("NanGuard did not stop");
  } catch (const ValueError& err) {
    CHECK(std::string(err.what()).find("log") != std::string::npos);
  }
  Function fast = function({x}, {e});
  CHECK(rewrite_count(fast, "elementwise_fusion") == 1);
}

TEST_CASE("fusion: zero-size inputs and Debug mode agree with the unfused program") {
  Var x = matrix("x"), b = vector("b");
  Var e = tanh(x + b) * sigmoid(x);
  Function f = function({x, b}, {e});
  CHECK(f({Tensor::zeros(DType::Float32, {0, 4}), Tensor::zeros(DType::Float32, {4})})[0].shape() == Shape{0, 4});
  Function dbg = function({x, b}, {e}, {}, {}, Mode::Debug);  // throws if fused and unfused differ
  dbg({sample({5, 4}).astype(DType::Float32), sample({4}).astype(DType::Float32)});
}
