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

TEST_CASE("views: reshape, row slices and axis-inserting dimshuffles share memory and keep values right") {
  Var data = shared(f32s({6, 4}, 7), "data");
  Var i = lscalar("i");
  Var rows = slice(data, i * 2, (i + 1) * 2);        // data[2i:2i+2]: contiguous rows, a view
  Var flat = reshape(rows, {8});                      // a view of the view
  Var col = dimshuffle(flat, {bcast, 0});             // (1, 8): a view
  Var cols = subtensor(data, {Index::all(), Index::slice(0, 2)});  // strided: copied
  Var y = tanh(col) * 2.0 + 1.0;                      // may not write into data's memory
  Function f = function({i}, {y, cols, flat});
  CHECK(f.stats().view_steps >= 3);
  const Tensor before = data.get_value();
  for (int64_t k : {0, 2, 1}) {
    Tensor idx = Tensor::scalar<int64_t>(k);
    std::vector<Tensor> want = eval({y, cols, flat}, {{i, idx}});
    const auto& got = f({idx});
    for (size_t o = 0; o < want.size(); ++o) CHECK(allclose(got[o], want[o], 1e-6, 1e-7));
  }
  CHECK(allclose(data.get_value(), before, 0, 0));
  CHECK(f.stats().last_call_allocations == 0);
}

TEST_CASE("views: a view keeps its base alive, so no later step overwrites the base in place") {
  Var x = input(DType::Float32, Shape{4, 6}, "x");
  Var m = input(DType::Float32, Shape{6, 6}, "m");
  Var b = matmul(x, m);           // a buffer of its own
  Var v = reshape(b, {6, 4});     // a view of b
  Var w = tanh(b);                // b's last direct reader: without the view it could take b's buffer
  Var late = sum(v * 3.0, 0);     // reads the view after w was computed
  Function f = function({x, m}, {w, late});
  Tensor xv = f32s({4, 6}, 8), mv = f32s({6, 6}, 9);
  std::vector<Tensor> want = eval({w, late}, {{x, xv}, {m, mv}});
  const auto& got = f({xv, mv});
  CHECK(allclose(got[0], want[0], 1e-5, 1e-6));
  CHECK(allclose(got[1], want[1], 1e-5, 1e-6));
}

TEST_CASE("views: an update whose new value is a view of another shared variable is copied in") {
  Var V = shared(f32s({6}, 10), "V");
  Var W = shared(f32s({2, 3}, 11), "W");
  Var V_new = V - 0.5;
  Function f = function({}, {}, {{W, reshape(V_new, {2, 3})}, {V, V_new}});
  const Tensor v0 = V.get_value();
  f();
  for (int64_t k = 0; k < 6; ++k) {
    CHECK(W.get_value().at(k) == doctest::Approx(v0.at(k) - 0.5));
    CHECK(V.get_value().at(k) == doctest::Approx(v0.at(k) - 0.5));
  }
  f();  // W and V must not share a buffer now: each moves on by itself
  for (int64_t k = 0; k < 6; ++k) {
    CHECK(W.get_value().at(k) == doctest::Approx(v0.at(k) - 1.0));
    CHECK(V.get_value().at(k) == doctest::Approx(v0.at(k) - 1.0));
  }
}
