// The Specialize rewrite that puts max_pool_grad inside the conv gradients
// (conv2d_grad_input_pooled, conv2d_grad_filters_pooled): it fires on a
// conv-pool layer's backward, gives the unfused graph's values, and the fused
// ops have the pair's gradients and its shape errors.
#include <doctest/doctest.h>

#include <string>

#include "compile_helpers.hpp"
#include "op_table.hpp"
#include "ops/conv_ops.hpp"

using namespace nabla;

namespace {

// The largest |got - want| over all elements (shapes must agree).
double max_abs_diff(const Tensor& got, const Tensor& want) {
  REQUIRE(got.shape() == want.shape());
  double worst = 0;
  for (int64_t i = 0; i < got.size(); ++i) worst = std::max(worst, std::abs(got.at(i) - want.at(i)));
  return worst;
}

struct Case {
  Shape x, f;
  std::vector<int> ws;
  bool ignore_border;
};

// Op-table rows: values against the unfused pair, gradients numerically (c
// gets none: the argmax is locally constant), second order included.
Tensor unfused(const Var& v) { return eval(v); }
const bool row_grad_filters_pooled = add_op_row(
    {"conv2d_grad_filters_pooled", {sample({2, 2, 5, 4}, -1, 1, 251), sample({2, 3, 4, 2}, -1, 1, 252), sample({2, 3, 2, 1}, -1, 1, 253)},
     [](const std::vector<Var>& v) { return conv2d_grad_filters_pooled(v[0], v[1], v[2]); }, {0, 2}, 2,
     [](const std::vector<Tensor>& t) {
       return unfused(conv2d_grad_filters(constant(t[0]), max_pool_grad(constant(t[1]), constant(t[2]))));
     }});
const bool row_grad_input_pooled = add_op_row(
    {"conv2d_grad_input_pooled", {sample({2, 3, 5, 3}, -1, 1, 254), sample({2, 3, 2, 1}, -1, 1, 255), sample({3, 2, 2, 3}, -1, 1, 256)},
     [](const std::vector<Var>& v) { return conv2d_grad_input_pooled(v[0], v[1], v[2], {2, 3}, true, false); }, {1, 2}, 2,
     [](const std::vector<Tensor>& t) {
       return unfused(conv2d_grad_input(max_pool_grad(constant(t[0]), constant(t[1]), {2, 3}, true), constant(t[2]), false));
     }});

// conv2d_pool's bundle is the conv maps then their pool, flat; each piece views one.
Tensor flat_concat(const Tensor& a, const Tensor& b) {
  return unfused(concatenate({reshape(constant(a), {-1}), reshape(constant(b), {-1})}));
}
const bool row_conv_pool = add_op_row(
    {"conv2d_pool", {sample({2, 2, 7, 6}, -1, 1, 257), sample({3, 2, 2, 3}, -1, 1, 258)},
     [](const std::vector<Var>& v) { return conv2d_pool_bundle(v[0], v[1], {2, 2}, false, true); }, {}, 0,
     [](const std::vector<Tensor>& t) {
       const Tensor c = unfused(conv2d(constant(t[0]), constant(t[1])));
       return flat_concat(c, unfused(pool_2d(constant(c), {2, 2}, false)));
     }});
const bool row_conv_pool_piece = add_op_row(
    {"conv2d_pool_piece", {sample({2, 2, 7, 6}, -1, 1, 259), sample({3, 2, 3, 2}, -1, 1, 260)},
     [](const std::vector<Var>& v) {
       const Var b = conv2d_pool_bundle(v[0], v[1], {3, 2}, true, false);
       const Var c = conv2d_pool_piece(b, v[0], v[1], false, {3, 2}, true, false);
       const Var p = conv2d_pool_piece(b, v[0], v[1], true, {3, 2}, true, false);
       return concatenate({reshape(c, {-1}), reshape(p, {-1})});
     },
     {}, 0,
     [](const std::vector<Tensor>& t) {
       const Tensor c = unfused(conv2d(constant(t[0]), constant(t[1]), false));
       return flat_concat(c, unfused(pool_2d(constant(c), {3, 2}, true)));
     }});

}  // namespace

TEST_CASE("conv_pool: a conv-pool layer runs as one pass, forward and backward equal the unfused graph") {
  // Two layers; the first conv's maps are also read by a second pool with
  // another window (it reads the conv piece). 2x2 and 3x2 windows, both
  // dtypes, 1 and 2 threads; the whole training step's values and updates.
  const int before = num_threads();
  for (DType t : {DType::Float32, DType::Float64})
    for (int threads : {1, 2}) {
      INFO(dtype_name(t) << " threads " << threads);
      set_num_threads(threads);
      Var x = input(t, {5, 2, 13, 12}, "x");
      Var W1 = shared(sample({3, 2, 2, 3}, -0.5, 0.5, 21).astype(t), "W1");
      Var W2 = shared(sample({2, 3, 2, 2}, -0.5, 0.5, 22).astype(t), "W2");
      Var c1 = conv2d(x, W1);
      Var h = tanh(pool_2d(c1, {2, 2}, true));
      Var side = sum(pool_2d(c1, {3, 2}, false));
      Var out = pool_2d(conv2d(h, W2), {3, 2}, false);
      Var cost = sum(out * out) + side;
      const std::vector<Var> g = grad(cost, {W1, W2});
      Function fn = function({x}, {cost, g[0], g[1], h});
      CHECK(rewrite_count(fn, "conv_pool") == 2);
      CHECK(op_count(fn, "conv2d_pool") == 2);
      CHECK_FALSE(program_has_op(fn, "conv2d"));
      CHECK(op_count(fn, "pool_2d") == 1);  // the side pool of c1

      const Tensor xv = sample({5, 2, 13, 12}, -1, 1, 23).astype(t);
      const std::vector<Tensor> got = fn({xv});
      const std::vector<Tensor> want = eval({cost, g[0], g[1], h}, {{x, xv}});
      const double tol = t == DType::Float32 ? 1e-4 : 1e-11;
      for (size_t k = 0; k < want.size(); ++k) {
        INFO("output " << k);
        CHECK(max_abs_diff(got[k], want[k]) <= tol * std::max(1.0, std::abs(want[0].at(0))));
      }
    }
  set_num_threads(before);
}

TEST_CASE("conv_pool: the fused ops have no gradient, and say so") {
  Var x = input(DType::Float32, {1, 1, 4, 4}, "x"), f = input(DType::Float32, {1, 1, 2, 2}, "f");
  const Var b = conv2d_pool_bundle(x, f, {2, 2}, true, true);
  std::string e;
  try {
    grad(sum(b), {x});
  } catch (const Error& err) {
    e = err.what();
  }
  CHECK(e.find("conv2d_pool has no gradient") != std::string::npos);
  CHECK_THROWS_AS(conv2d_pool_piece(b, x, input(DType::Float32, {1, 1, 3, 3}, "f3"), true, {2, 2}, true, true),
                  TypeError);  // a bundle of other shapes
}

TEST_CASE("conv_grad_of_pool_grad: two conv-pool layers' gradients are the unfused graph's, fused") {
  // 2x2 windows tiling the maps (the vector path), and 3x2 windows with partial
  // ones kept or dropped (the general walk); float and double; 1 and 2 threads.
  const Case cases[] = {{{4, 2, 13, 13}, {3, 2, 2, 2}, {2, 2}, true},
                        {{3, 2, 12, 11}, {4, 2, 3, 2}, {3, 2}, false},
                        {{3, 1, 12, 11}, {2, 1, 3, 3}, {3, 2}, true}};
  const int before = num_threads();
  for (const Case& c : cases)
    for (DType t : {DType::Float32, DType::Float64})
      for (int threads : {1, 2}) {
        INFO("x " << c.x.str() << " f " << c.f.str() << " ws " << c.ws[0] << "x" << c.ws[1] << " ignore_border "
                  << c.ignore_border << " " << dtype_name(t) << " threads " << threads);
        set_num_threads(threads);
        Var x = input(t, c.x, "x");
        Var W1 = shared(sample(c.f, -0.5, 0.5, 3).astype(t), "W1");
        // A second layer over the first's pooled maps: its input gradient reads the pooled gradient too.
        Var h = tanh(pool_2d(conv2d(x, W1), c.ws, c.ignore_border));
        const Shape f2{2, c.f[0], 2, 2};
        Var W2 = shared(sample(f2, -0.5, 0.5, 4).astype(t), "W2");
        Var out = pool_2d(conv2d(h, W2), {2, 2}, true);
        Var R = shared(sample(out.shape(), -1, 1, 5).astype(t), "R");
        Var cost = sum(out * R);
        const std::vector<Var> g = grad(cost, {W1, W2, x});
        Function fn = function({x}, g);
        CHECK(has_rewrite(fn, "conv_grad_of_pool_grad"));
        CHECK(op_count(fn, "conv2d_grad_filters_pooled") == 2);
        CHECK(op_count(fn, "conv2d_grad_input_pooled") == 2);  // into h, and into x
        CHECK_FALSE(program_has_op(fn, "max_pool_grad"));

        const Tensor xv = sample(c.x, -1, 1, 6).astype(t);
        const std::vector<Tensor> got = fn({xv});
        const std::vector<Tensor> want = eval(g, {{x, xv}});  // the graph as grad() built it
        const double tol = t == DType::Float32 ? 1e-5 : 1e-12;
        for (size_t k = 0; k < g.size(); ++k) {
          INFO("gradient " << k);
          CHECK(max_abs_diff(got[k], want[k]) <= tol);
        }
      }
  set_num_threads(before);
}

TEST_CASE("conv2d_grad_*_pooled: gradients of the fused ops are the pair's") {
  // The pullbacks compose conv's and max_pool_grad's; compared with grad() of
  // the unfused pair, w.r.t. every input that has a gradient.
  const Shape xs{2, 2, 9, 9}, fs{3, 2, 2, 2}, cs{2, 3, 8, 8}, gzs{2, 3, 4, 4};
  Var x = input(DType::Float64, xs, "x"), c = input(DType::Float64, cs, "c"), gz = input(DType::Float64, gzs, "gz");
  Var f = input(DType::Float64, fs, "f");
  const Bindings values{{x, sample(xs, -1, 1, 7)}, {c, sample(cs, -1, 1, 8)}, {gz, sample(gzs, -1, 1, 9)},
                        {f, sample(fs, -1, 1, 10)}};
  const Var gy = max_pool_grad(c, gz);
  Var R1 = constant(sample(fs, -1, 1, 11)), R2 = constant(sample(xs, -1, 1, 12));
  const Var fused_f = sum(conv2d_grad_filters_pooled(x, c, gz) * R1);
  const Var plain_f = sum(conv2d_grad_filters(x, gy) * R1);
  const Var fused_i = sum(conv2d_grad_input_pooled(c, gz, f) * R2);
  const Var plain_i = sum(conv2d_grad_input(gy, f) * R2);
  CHECK(eval(fused_f, values).item() == doctest::Approx(eval(plain_f, values).item()).epsilon(1e-12));
  CHECK(eval(fused_i, values).item() == doctest::Approx(eval(plain_i, values).item()).epsilon(1e-12));
  const auto gf = eval(grad(fused_f, {x, gz}), values), pf = eval(grad(plain_f, {x, gz}), values);
  const auto gi = eval(grad(fused_i, {gz, f}), values), pi = eval(grad(plain_i, {gz, f}), values);
  for (size_t k = 0; k < 2; ++k) {
    INFO("input " << k);
    CHECK(max_abs_diff(gf[k], pf[k]) <= 1e-12);
    CHECK(max_abs_diff(gi[k], pi[k]) <= 1e-12);
  }
}

TEST_CASE("conv2d_grad_*_pooled: a pooled gradient that does not fit its maps is a shape error") {
  Var x = input(DType::Float32, {2, 1, 9, 9}, "x"), c = input(DType::Float32, {2, 3, 8, 8}, "c");
  Var f = input(DType::Float32, {3, 1, 2, 2}, "f");
  Var wrong = input(DType::Float32, {2, 3, 3, 4}, "gz");
  for (bool filters : {true, false}) {
    std::string e;
    try {
      filters ? conv2d_grad_filters_pooled(x, c, wrong) : conv2d_grad_input_pooled(c, wrong, f);
    } catch (const ShapeError& err) {
      e = err.what();
    }
    CHECK(e.find("(2,3,3,4)") != std::string::npos);
    CHECK(e.find("(2,3,4,4)") != std::string::npos);  // what would fit
  }
  CHECK_THROWS_AS(conv2d_grad_filters_pooled(x, c, input(DType::Float64, {2, 3, 4, 4})), TypeError);
}
