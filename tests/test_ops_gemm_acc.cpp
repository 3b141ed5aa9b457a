// gemm_acc (c + alpha * op(a) @ op(b) in one GEMM) and the specialize rewrite
// that turns SGD-style updates into it.
#include <doctest/doctest.h>

#include <string>

#include "compile_helpers.hpp"
#include "op_table.hpp"
#include "ops/gemm_acc.hpp"

using namespace nabla;

namespace {

// c + alpha * op(a) @ op(b) with plain loops; a product of one row broadcasts.
Tensor ref_gemm_acc(const std::vector<Tensor>& t, bool ta, bool tb) {
  const Tensor &c = t[0], &a = t[2], &b = t[3];
  const double alpha = t[1].item();
  const int64_t M = ta ? a.shape()[1] : a.shape()[0], K = ta ? a.shape()[0] : a.shape()[1];
  const int64_t N = tb ? b.shape()[0] : b.shape()[1];
  const int64_t R = c.shape()[0], C = c.shape()[1];
  Tensor out = c.copy();
  for (int64_t i = 0; i < R; ++i)
    for (int64_t j = 0; j < C; ++j) {
      const int64_t pi = M == 1 ? 0 : i, pj = N == 1 ? 0 : j;
      double s = 0;
      for (int64_t p = 0; p < K; ++p) s += a.at(ta ? p * M + pi : pi * K + p) * b.at(tb ? pj * K + p : p * N + pj);
      out.set(i * C + j, c.at(i * C + j) + alpha * s);
    }
  return out;
}

bool add_gemm_acc_row(bool ta, bool tb, int64_t M = 3) {
  const int64_t K = 4, N = 2;
  Shape sa = ta ? Shape{K, M} : Shape{M, K};
  Shape sb = tb ? Shape{N, K} : Shape{K, N};
  return add_op_row({"gemm_acc",
                     {sample({3, N}, -1, 1, 4), sample({}, -1.5, -0.5, 5), sample(sa), sample(sb, -1, 1, 2)},
                     [ta, tb](const std::vector<Var>& v) { return gemm_acc(v[0], v[1], v[2], v[3], ta, tb); },
                     {0, 1, 2, 3},
                     2,
                     [ta, tb](const std::vector<Tensor>& t) { return ref_gemm_acc(t, ta, tb); }});
}

const bool row_nn = add_gemm_acc_row(false, false);
const bool row_tn = add_gemm_acc_row(true, false);
const bool row_nt = add_gemm_acc_row(false, true);
const bool row_tt = add_gemm_acc_row(true, true);
const bool row_broadcast = add_gemm_acc_row(false, false, 1);  // a (1,K): the product broadcasts over c's rows

// With beta: beta * c + alpha * op(a) @ op(b), all five inputs differentiated.
bool add_gemm_acc_beta_row(bool ta, bool tb, int64_t M = 3) {
  const int64_t K = 4, N = 2;
  Shape sa = ta ? Shape{K, M} : Shape{M, K};
  Shape sb = tb ? Shape{N, K} : Shape{K, N};
  return add_op_row({"gemm_acc",
                     {sample({3, N}, -1, 1, 14), sample({}, -1.5, -0.5, 15), sample(sa, -1, 1, 16),
                      sample(sb, -1, 1, 17), sample({}, 0.5, 0.9, 18)},
                     [ta, tb](const std::vector<Var>& v) { return gemm_acc_scaled(v[0], v[4], v[1], v[2], v[3], ta, tb); },
                     {0, 1, 2, 3, 4},
                     2,
                     [ta, tb](const std::vector<Tensor>& t) {
                       Tensor scaled_c = t[0].copy();
                       for (int64_t i = 0; i < scaled_c.size(); ++i) scaled_c.set(i, t[0].at(i) * t[4].at(0));
                       return ref_gemm_acc({scaled_c, t[1], t[2], t[3]}, ta, tb);
                     }});
}
const bool row_beta_nn = add_gemm_acc_beta_row(false, false);
const bool row_beta_tn = add_gemm_acc_beta_row(true, false);
const bool row_beta_broadcast = add_gemm_acc_beta_row(false, true, 1);

}  // namespace

TEST_CASE("gemm_acc: an SGD update of a weight matrix compiles to one gemm_acc and matches") {
  Var x = matrix("x");
  Var delta = matrix("delta");
  Tensor w0 = sample({4, 3}, -1, 1, 7).astype(DType::Float32);
  Var W = shared(w0, "W");
  Var eta = shared(Tensor::scalar<float>(0.5f), "eta");
  Var update = W - eta * dot(transpose(x), delta);
  Function f = function({x, delta}, {}, {{W, update}});
  CHECK(rewrite_count(f, "gemm_update") == 1);
  CHECK(f.program_text().find("gemm_acc") != std::string::npos);
  CHECK(f.program_text().find("matmul") == std::string::npos);
  // W's new value is written straight into W's buffer: the step owns no slot.
  CHECK(f.program_text().find("[slot -1]") != std::string::npos);

  Tensor xs = sample({5, 4}, -1, 1, 8).astype(DType::Float32);
  Tensor ds = sample({5, 3}, -1, 1, 9).astype(DType::Float32);
  // The same update evaluated by the interpreter, without rewrites, before the call.
  Tensor want = eval(update, {{x, xs}, {delta, ds}});
  f({xs, ds});
  Tensor got = W.get_value();
  for (int64_t i = 0; i < got.size(); ++i) CHECK(got.at(i) == doctest::Approx(want.at(i)).epsilon(1e-5));
}

TEST_CASE("gemm_acc: a product that does not fit c is a shape error naming both shapes") {
  Var c = matrix("c");
  Var a = matrix("a");
  Var b = matrix("b");
  Var alpha = scalar("alpha");
  Function f = function({c, alpha, a, b}, {gemm_acc(c, alpha, a, b)});
  std::string msg;
  try {
    f({Tensor::zeros(DType::Float32, {3, 2}), Tensor::scalar<float>(1.0f), Tensor::zeros(DType::Float32, {2, 4}),
       Tensor::zeros(DType::Float32, {4, 2})});
  } catch (const std::exception& e) {
    msg = e.what();
  }
  CHECK(msg.find("(2,2)") != std::string::npos);
  CHECK(msg.find("(3,2)") != std::string::npos);
}

TEST_CASE("gemm_acc: not in place when a later step still reads the old weights") {
  Var x = matrix("x");
  Var delta = matrix("delta");
  Tensor w0 = sample({4, 3}, -1, 1, 7).astype(DType::Float32);
  Var W = shared(w0, "W");
  Var update = W - 0.5 * dot(transpose(x), delta);
  Var uses_old = sum(W * 2.0);  // an output computed from the old W
  Function f = function({x, delta}, {uses_old}, {{W, update}});
  Tensor xs = sample({5, 4}, -1, 1, 8).astype(DType::Float32);
  Tensor ds = sample({5, 3}, -1, 1, 9).astype(DType::Float32);
  Tensor want_w = eval(update, {{x, xs}, {delta, ds}});
  double want_sum = 0;
  for (int64_t i = 0; i < w0.size(); ++i) want_sum += 2.0 * w0.at(i);
  double got_sum = f({xs, ds})[0].item();
  CHECK(got_sum == doctest::Approx(want_sum).epsilon(1e-5));
  Tensor got = W.get_value();
  for (int64_t i = 0; i < got.size(); ++i) CHECK(got.at(i) == doctest::Approx(want_w.at(i)).epsilon(1e-5));
}
