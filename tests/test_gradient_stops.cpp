// zero_grad and disconnected_grad: values pass through, gradients do not, and
// compiled programs contain neither op.
#include <doctest/doctest.h>

#include "nabla.hpp"
#include "op_table.hpp"

using namespace nabla;

namespace {
const bool row_zero_grad = add_op_row({"zero_grad", {sample({3, 4}, -1, 1, 501)},
                                       [](const std::vector<Var>& v) { return zero_grad(v[0]); }, {}, 0,
                                       [](const std::vector<Tensor>& t) { return t[0]; }});
const bool row_disconnected_grad =
    add_op_row({"disconnected_grad", {sample({2, 5}, -1, 1, 502)},
                [](const std::vector<Var>& v) { return disconnected_grad(v[0]); }, {}, 0,
                [](const std::vector<Tensor>& t) { return t[0]; }});
}  // namespace

TEST_CASE("zero_grad: d/dx sum(zero_grad(x) * x) is x, not 2x; the compiled program has no zero_grad step") {
  Var x = input(DType::Float64, Shape{4}, "x");
  const Tensor xv = Tensor::from<double>({1, -2, 3, 0.5}, {4});
  Var g = grad(sum(zero_grad(x) * x), {x})[0];
  CHECK(eval(g, {{x, xv}}).values<double>() == xv.values<double>());
  Var plain = grad(sum(x * x), {x})[0];
  CHECK(eval(plain, {{x, xv}}).values<double>() == std::vector<double>{2, -4, 6, 1});
  // Only through zero_grad: a zero gradient.
  Var only = grad(sum(exp(zero_grad(x))), {x})[0];
  CHECK(eval(only, {{x, xv}}).values<double>() == std::vector<double>{0, 0, 0, 0});
  Function f = function({x}, {zero_grad(x) * 2.0, g});
  CHECK(f.program_text().find("zero_grad") == std::string::npos);
  CHECK(f({xv})[0].values<double>() == std::vector<double>{2, -4, 6, 1});
}

TEST_CASE("disconnected_grad: no gradient flows through it; the value is unchanged") {
  Var x = input(DType::Float64, Shape{3}, "x");
  const Tensor xv = Tensor::from<double>({1, 2, 3}, {3});
  Var g = grad(sum(disconnected_grad(x) * x + x), {x})[0];
  CHECK(eval(g, {{x, xv}}).values<double>() == std::vector<double>{2, 3, 4});
  Function f = function({x}, {disconnected_grad(x)});
  CHECK(f.program_text().find("disconnected_grad") == std::string::npos);
  CHECK(f({xv})[0].values<double>() == xv.values<double>());
}
