// Every rewrite that lives beside its op family: the graph before (compiled
// with Mode::FastCompile, which only merges) and after (Mode::FastRun), and the
// same numbers from both on random inputs.
#include <doctest/doctest.h>

#include <vector>

#include "compile_helpers.hpp"
#include "op_table.hpp"

using namespace nabla;

namespace {

// One graph compiled twice: with every rewrite and with none.
struct BothModes {
  Function fast, plain;
  BothModes(const std::vector<Var>& inputs, const std::vector<Var>& outputs)
      : fast(function(inputs, outputs)), plain(function(inputs, outputs, {}, {}, Mode::FastCompile)) {}

  // Both programs give the same outputs on `args` (to `tol`, relative).
  void check_agree(const std::vector<Tensor>& args, double tol = 1e-10) {
    std::vector<Tensor> want;
    for (const Tensor& t : plain(args)) want.push_back(t.copy());
    const std::vector<Tensor>& got = fast(args);
    REQUIRE(got.size() == want.size());
    for (size_t k = 0; k < got.size(); ++k) {
      INFO("output " << k);
      REQUIRE(got[k].shape() == want[k].shape());
      CHECK(got[k].dtype() == want[k].dtype());
      for (int64_t i = 0; i < got[k].size(); ++i)
        CHECK(got[k].at(i) == doctest::Approx(want[k].at(i)).epsilon(tol));
    }
  }
};

Var float64_matrix(const std::string& name, Shape shape = {-1, -1}) { return input(DType::Float64, shape, name); }

}  // namespace

TEST_CASE("rewrite shape_fold: shape_i of a static dim becomes a constant") {
  Var x = float64_matrix("x", {3, -1});
  Var out = x * cast(shape_i(x, 0), DType::Float64) + cast(shape_i(x, 1), DType::Float64);
  BothModes f({x}, {out});
  CHECK(op_count(f.plain, "shape_i") == 2);
  CHECK(rewrite_count(f.fast, "shape_fold") == 1);
  CHECK(op_count(f.fast, "shape_i") == 1);  // axis 1 is only known at run time
  f.check_agree({sample({3, 4}, -1, 1, 101)});
  f.check_agree({sample({3, 7}, -1, 1, 102)});
}

TEST_CASE("rewrite slice_before_cast: a slice of a cast is computed as a cast of the slice") {
  Var labels = shared(sample({8}, 0, 5, 103), "labels");
  Var i = lscalar("i");
  Var batch = slice(cast(labels, DType::Int32), i * 2, (i + 1) * 2);
  BothModes f({i}, {batch});
  CHECK(f.plain.outputs()[0].op()->name() == "subtensor");
  CHECK(rewrite_count(f.fast, "slice_before_cast") == 1);
  const Var& out = f.fast.outputs()[0];
  REQUIRE(out.op()->name() == "cast");
  CHECK(out.inputs()[0].op()->name() == "subtensor");
  for (int64_t k : {0, 1, 3}) f.check_agree({Tensor::scalar<int64_t>(k)});
  // A slice of anything else is left alone.
  BothModes g({i}, {slice(labels, i, i + 3)});
  CHECK_FALSE(has_rewrite(g.fast, "slice_before_cast"));
}

TEST_CASE("rewrite matmul_transpose: a transposed operand becomes a GEMM flag") {
  Var a = float64_matrix("a"), b = float64_matrix("b");
  SUBCASE("dot(a.T, b)") {
    BothModes f({a, b}, {dot(transpose(a), b)});
    CHECK(op_count(f.plain, "dimshuffle") == 1);
    CHECK(rewrite_count(f.fast, "matmul_transpose") == 1);
    CHECK(op_count(f.fast, "dimshuffle") == 0);
    CHECK(f.fast.outputs()[0].op()->params() == "trans_a=1,trans_b=0");
    f.check_agree({sample({3, 2}, -1, 1, 104), sample({3, 4}, -1, 1, 105)});
  }
  SUBCASE("a transpose under a flag cancels it; one on the other side sets it") {
    BothModes f({a, b}, {matmul(transpose(a), transpose(b), true, false)});
    CHECK(op_count(f.plain, "dimshuffle") == 2);
    CHECK(rewrite_count(f.fast, "matmul_transpose") == 1);
    CHECK(op_count(f.fast, "dimshuffle") == 0);
    CHECK(f.fast.outputs()[0].op()->params() == "trans_a=0,trans_b=1");
    f.check_agree({sample({2, 3}, -1, 1, 106), sample({4, 3}, -1, 1, 107)});
  }
}

TEST_CASE("rewrite gemm_update: c -/+ s * dot(a, b) becomes one gemm_acc") {
  Var W = shared(sample({4, 3}, -1, 1, 108), "W");
  Var x = float64_matrix("x"), d = float64_matrix("d");
  const std::vector<Tensor> args = {sample({5, 4}, -1, 1, 109), sample({5, 3}, -1, 1, 110)};
  SUBCASE("an SGD step, the transpose folded in too") {
    BothModes f({x, d}, {W - 0.1 * dot(transpose(x), d)});
    CHECK(program_has_op(f.plain, "sub"));
    CHECK(program_has_op(f.plain, "matmul"));
    CHECK(rewrite_count(f.fast, "gemm_update") == 1);
    CHECK(op_count(f.fast, "gemm_acc") == 1);
    CHECK_FALSE(program_has_op(f.fast, "matmul"));
    CHECK_FALSE(program_has_op(f.fast, "sub"));
    CHECK(f.fast.outputs()[0].op()->params() == "trans_a=1,trans_b=0");
    f.check_agree(args);
  }
  SUBCASE("a bare product added on the right") {
    BothModes f({x, d}, {dot(transpose(x), d) + W});
    CHECK(rewrite_count(f.fast, "gemm_update") == 1);
    CHECK(op_count(f.fast, "gemm_acc") == 1);
    CHECK_FALSE(program_has_op(f.fast, "add"));
    f.check_agree(args);
  }
}

TEST_CASE("rewrite softmax_xent: log(softmax(z))[arange(n), y] becomes one cross-entropy op") {
  Var z = float64_matrix("z", {5, 4});
  Var y = input(DType::Int64, {5}, "y");
  Var picked = take2d(log(softmax(z)), arange(Dim(shape_i(y, 0))), y);
  BothModes f({z, y}, {-mean(picked)});
  CHECK(program_has_op(f.plain, "take2d"));
  CHECK(program_has_op(f.plain, "log"));
  CHECK(rewrite_count(f.fast, "softmax_xent") == 1);
  CHECK(op_count(f.fast, "softmax_xent") == 1);
  CHECK_FALSE(program_has_op(f.fast, "take2d"));
  CHECK_FALSE(program_has_op(f.fast, "log_softmax"));
  f.check_agree({sample({5, 4}, -3, 3, 111), ints({0, 3, 1, 1, 2}, {5})});
}

TEST_CASE("rewrite softmax_grad_of_log: the gradient of log(softmax(z)) never divides by softmax") {
  Var z = float64_matrix("z"), G = float64_matrix("G");
  Var gz = grad(sum(log(softmax(z)) * G), {z})[0];
  BothModes f({z, G}, {gz});
  CHECK(program_has_op(f.plain, "div"));  // log's pullback: G / softmax(z)
  CHECK(rewrite_count(f.fast, "softmax_grad_of_log") == 1);
  CHECK_FALSE(program_has_op(f.fast, "div"));
  f.check_agree({sample({3, 4}, -2, 2, 112), sample({3, 4}, -1, 1, 113)});
}

TEST_CASE("rewrite softmax_grad_of_log: the one-hot gradient of the NLL becomes softmax_xent_grad") {
  Var z = float64_matrix("z", {5, 4});
  Var y = input(DType::Int64, {5}, "y");
  Var cost = -mean(take2d(log(softmax(z)), arange(Dim(shape_i(y, 0))), y));
  BothModes f({z, y}, {grad(cost, {z})[0]});
  CHECK(program_has_op(f.plain, "inc_take2d"));
  CHECK(rewrite_count(f.fast, "softmax_grad_of_log") == 1);
  CHECK(op_count(f.fast, "softmax_xent_grad") == 1);
  CHECK_FALSE(program_has_op(f.fast, "inc_take2d"));
  CHECK_FALSE(program_has_op(f.fast, "softmax"));
  f.check_agree({sample({5, 4}, -3, 3, 114), ints({2, 0, 3, 3, 1}, {5})});
}

TEST_CASE("rewrite gemm_beta: an L2-decayed update c * s - eta * dot(a, b) is one GEMM with beta = s") {
  Var W = shared(sample({4, 3}, -1, 1, 120), "W");
  Var decay = shared(Tensor::full(DType::Float64, {}, 0.9), "decay");
  Var x = float64_matrix("x"), d = float64_matrix("d");
  BothModes f({x, d}, {W * decay - 0.1 * dot(transpose(x), d)});
  CHECK(rewrite_count(f.fast, "gemm_update") == 1);
  CHECK(rewrite_count(f.fast, "gemm_beta") == 1);
  CHECK(op_count(f.fast, "gemm_acc") == 1);
  CHECK(f.fast.stats().steps == 1);  // no pass to scale W first
  CHECK(program_has_op(f.plain, "mul"));
  f.check_agree({sample({5, 4}, -1, 1, 121), sample({5, 3}, -1, 1, 122)});
}

TEST_CASE("rewrite log_sigmoid and log_one_minus_sigmoid: softplus forms that stay finite") {
  Var x = input(DType::Float64, {6}, "x");
  BothModes f({x}, {log(sigmoid(x)), log(1.0 - sigmoid(x)), log1p(-sigmoid(x))});
  CHECK(rewrite_count(f.fast, "log_sigmoid") == 1);
  CHECK(rewrite_count(f.fast, "log_one_minus_sigmoid") == 2);
  CHECK(program_has_op(f.plain, "sigmoid"));
  f.check_agree({sample({6}, -5, 5, 123)}, 1e-9);
  // Where the naive forms give -inf, the rewritten ones give -x or x.
  const Tensor big = Tensor::from<double>({-800, 800, -40, 40, 0, 1}, {6});
  const auto& out = f.fast({big});
  CHECK(out[0].at(0) == doctest::Approx(-800));
  CHECK(out[1].at(1) == doctest::Approx(-800));
  CHECK(out[2].at(1) == doctest::Approx(-800));
}

TEST_CASE("rewrite constant_fold: nodes that read only a static shape fold (the cost's seed gradient)") {
  Var x = input(DType::Float32, {10, 10}, "x");
  Var ones = fill_like(sum(x * x), 1.0);      // reads sum's shape, () — not its value
  Var spread = broadcast_like(ones / 20.0, x);  // reads x's shape only
  BothModes f({x}, {spread * x});
  CHECK(rewrite_count(f.fast, "constant_fold") >= 3);
  CHECK_FALSE(program_has_op(f.fast, "sum"));
  CHECK_FALSE(program_has_op(f.fast, "fill_like"));
  CHECK_FALSE(program_has_op(f.fast, "broadcast_like"));
  CHECK(program_has_op(f.plain, "sum"));
  f.check_agree({sample({10, 10}, -1, 1, 124).astype(DType::Float32)}, 1e-6);
}

TEST_CASE("rewrite same_shape_identity: sum_like and broadcast_like of an already-shaped value vanish") {
  // Built with open shapes (as grad() builds them); givens then fix the shapes.
  Var x = float64_matrix("x"), b = input(DType::Float64, {-1}, "b");
  Var g = x * 2.0;
  Var X = shared(sample({4, 3}, -1, 1, 125), "X"), B = shared(sample({3}, -1, 1, 126), "B");
  const std::vector<Var> outs = {sum_like(g, x), broadcast_like(g, x), sum_like(g, b)};
  const Givens givens = {{x, X}, {b, B}};
  Function fast = function({}, outs, {}, givens), plain = function({}, outs, {}, givens, Mode::FastCompile);
  CHECK(rewrite_count(fast, "same_shape_identity") == 2);
  CHECK(op_count(plain, "sum_like") == 2);
  CHECK(op_count(fast, "sum_like") == 1);  // (4,3) -> (3,) is a real reduction
  CHECK_FALSE(program_has_op(fast, "broadcast_like"));
  std::vector<Tensor> want;
  for (const Tensor& t : plain()) want.push_back(t.copy());
  const auto& got = fast();
  for (size_t k = 0; k < want.size(); ++k) CHECK(allclose(got[k], want[k], 1e-12, 1e-12));
}

TEST_CASE("rewrite log_softmax: log(softmax(z)) becomes log_softmax(z)") {
  Var z = float64_matrix("z");
  BothModes f({z}, {log(softmax(z))});
  CHECK(rewrite_count(f.fast, "log_softmax") == 1);
  CHECK(program_has_op(f.plain, "log"));
  CHECK(program_has_op(f.plain, "softmax"));
  CHECK(op_count(f.fast, "log_softmax") == 1);
  CHECK_FALSE(program_has_op(f.fast, "log"));
  f.check_agree({sample({3, 5}, -4, 4, 127)}, 1e-12);
}
