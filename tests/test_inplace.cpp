// The in-place phase: steps that write into an input's buffer must never change
// a value that a later step, the caller, a givens source or a shared variable's
// other readers still see.
#include <doctest/doctest.h>

#include <random>

#include "op_table.hpp"

using namespace nabla;

namespace {
Tensor f32s(const Shape& s, unsigned seed, double lo = -1, double hi = 1) {
  return sample(s, lo, hi, seed).astype(DType::Float32);
}
}  // namespace

TEST_CASE("inplace: random DAGs with values read many times give eval's values") {
  // Every node reads one or two earlier nodes chosen at random, so many values
  // have readers after the step that could overwrite them; a few are outputs.
  for (unsigned seed = 0; seed < 40; ++seed) {
    std::mt19937 rng(seed);
    Var x = input(DType::Float32, Shape{6, 7}, "x");
    Var y = input(DType::Float32, Shape{6, 7}, "y");
    std::vector<Var> nodes = {x, y};
    for (int k = 0; k < 14; ++k) {
      const Var& a = nodes[rng() % nodes.size()];
      const Var& b = nodes[rng() % nodes.size()];
      switch (rng() % 6) {
        case 0: nodes.push_back(tanh(a)); break;
        case 1: nodes.push_back(a + b); break;
        case 2: nodes.push_back(a * b); break;
        case 3: nodes.push_back(sigmoid(a) - b); break;
        case 4: nodes.push_back(a * 0.5); break;
        default: nodes.push_back(maximum(a, b)); break;
      }
    }
    std::vector<Var> outs = {nodes.back(), nodes[nodes.size() / 2 + 1], nodes[3]};
    Tensor xv = f32s({6, 7}, seed + 1), yv = f32s({6, 7}, seed + 100);
    const Tensor x_before = xv.copy(), y_before = yv.copy();
    std::vector<Tensor> expected = eval(outs, {{x, xv}, {y, yv}});
    Function f = function({x, y}, outs);
    INFO("seed " << seed << "\n" << f.program_text());
    for (int call = 0; call < 2; ++call) {
      const auto& got = f({xv, yv});
      for (size_t k = 0; k < outs.size(); ++k) CHECK(allclose(got[k], expected[k], 1e-5, 1e-6));
    }
    CHECK(allclose(xv, x_before, 0, 0));  // the caller's arrays are never written
    CHECK(allclose(yv, y_before, 0, 0));
  }
}

TEST_CASE("inplace: a dying intermediate is overwritten, a value read later is not") {
  Var x = input(DType::Float32, Shape{4, 5}, "x");
  Var m = input(DType::Float32, Shape{5, 5}, "m");
  Var a = matmul(x, m);          // not elementwise: a step of its own
  Var b = tanh(a);               // a has no later reader: b may take a's buffer
  Var c = matmul(b, m);
  Var d = exp(c) + sum(c);       // c is read again by sum: exp must not overwrite it
  Function f = function({x, m}, {d});
  CHECK(f.stats().inplace_steps >= 1);
  Tensor xv = f32s({4, 5}, 1), mv = f32s({5, 5}, 2);
  CHECK(allclose(f({xv, mv})[0], eval(d, {{x, xv}, {m, mv}}), 1e-5, 1e-6));
}

TEST_CASE("inplace: outputs returned to the caller and givens sources keep their values") {
  Var x = input(DType::Float32, Shape{3, 4}, "x");
  Var data = shared(f32s({3, 4}, 3), "data");
  Var a = matmul(x, x, true, false);  // (4,4), an output
  Var b = tanh(a) * 2.0;              // could overwrite a if a were not returned
  Function f = function({x}, {a, b});
  Tensor xv = f32s({3, 4}, 4);
  const auto& out = f({xv});
  std::vector<Tensor> want = eval({a, b}, {{x, xv}});
  CHECK(allclose(out[0], want[0], 1e-6, 1e-7));
  CHECK(allclose(out[1], want[1], 1e-6, 1e-7));

  Var g = tanh(x) + 1.0;  // with x replaced by a shared variable that nothing updates
  Function h = function({}, {g}, {}, {{x, data}});
  const Tensor before = data.get_value();
  h();
  h();
  CHECK(allclose(data.get_value(), before, 0, 0));
}

TEST_CASE("inplace: an update written into its shared variable after every reader saw the old value") {
  Var W = shared(f32s({4, 4}, 5), "W");
  Var x = input(DType::Float32, Shape{4, 4}, "x");
  Var seen = matmul(x, W);  // reads W before the update
  Var W_new = W - 0.1 * tanh(W);
  Function f = function({x}, {seen}, {{W, W_new}});
  const Tensor W0 = W.get_value();
  Tensor xv = f32s({4, 4}, 6);
  Tensor want_seen = eval(seen, {{x, xv}});
  Tensor want_W = eval(W_new);
  const Tensor got_seen = f({xv})[0].copy();
  CHECK(allclose(got_seen, want_seen, 1e-6, 1e-7));
  CHECK(allclose(W.get_value(), want_W, 1e-6, 1e-7));
  CHECK(!allclose(W.get_value(), W0, 0, 0));
  CHECK(f.stats().inplace_steps >= 1);
  f({xv});
  CHECK(f.stats().last_call_allocations == 0);
}
