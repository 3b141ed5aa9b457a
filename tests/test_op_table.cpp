// Runs every row of the op table (see op_table.hpp).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "op_table.hpp"

using namespace nabla;

namespace {

struct Leaves {
  std::vector<Var> vars;
  Bindings bind;
};

Leaves make_leaves(const OpRow& row) {
  Leaves l;
  for (size_t k = 0; k < row.inputs.size(); ++k) {
    Var v = input(row.inputs[k].dtype(), row.inputs[k].shape(), "in" + std::to_string(k));
    l.vars.push_back(v);
    l.bind[v] = row.inputs[k];
  }
  return l;
}

bool graph_has_op(const Var& out, const std::string& name) {
  for (const Var& v : topo_sort({out}))
    if (!v.is_leaf() && v.op()->name() == name) return true;
  return false;
}

// Numeric gradient of the scalar graph `f` w.r.t. leaf k by central differences.
Tensor numeric_grad(const Var& f, Leaves& l, size_t k) {
  Tensor x = l.bind[l.vars[k]];
  Tensor g = Tensor::zeros(DType::Float64, x.shape());
  const double eps = 1e-6;
  for (int64_t i = 0; i < x.size(); ++i) {
    Tensor xp = x.copy(), xm = x.copy();
    xp.set(i, x.at(i) + eps);
    xm.set(i, x.at(i) - eps);
    l.bind[l.vars[k]] = xp;
    double fp = eval(f, l.bind).item();
    l.bind[l.vars[k]] = xm;
    double fm = eval(f, l.bind).item();
    g.set(i, (fp - fm) / (2 * eps));
  }
  l.bind[l.vars[k]] = x;
  return g;
}

void check_close(const Tensor& got, const Tensor& want, double rtol, double atol, const std::string& what) {
  INFO(what);
  REQUIRE(got.shape() == want.shape());
  double worst = 0;
  int64_t at = -1;
  for (int64_t i = 0; i < got.size(); ++i) {
    double err = std::fabs(got.at(i) - want.at(i)) / (atol + rtol * std::fabs(want.at(i)));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  INFO("worst element " << at << ": got " << (at >= 0 ? got.at(at) : 0) << ", want "
                        << (at >= 0 ? want.at(at) : 0));
  CHECK(worst <= 1.0);
}

// sum(out * R) for a fixed random R: a scalar that depends on every output element.
// `shape` is the runtime shape of `out` (its static shape may have unknown dims).
Var project(const Var& out, const Shape& shape, unsigned seed) {
  Tensor r = sample(shape, 0.5, 1.5, seed);
  return sum(mul(out, constant(r.astype(out.dtype()))));
}

void run_row(const OpRow& row) {
  Leaves l = make_leaves(row);
  Var out = row.build(l.vars);
  REQUIRE(out.defined());
  if (row.op.rfind("api:", 0) != 0) {
    INFO("the row's expression must contain the op it covers");
    CHECK(graph_has_op(out, row.op));
  }
  Tensor value = eval(out, l.bind);
  if (row.reference) check_close(value, row.reference(row.inputs), 1e-7, 1e-9, "value vs reference");

  // The compiled function must agree with the interpreter.
  Function f = function(l.vars, {out});
  std::vector<Tensor> args = row.inputs;
  Tensor compiled = f(args)[0].copy();
  if (row.order > 0) check_close(compiled, value, 1e-9, 1e-12, "compiled vs eval");

  if (row.order == 0 || row.wrt.empty()) return;
  Var cost = project(out, value.shape(), 3);
  std::vector<Var> wrt;
  for (int k : row.wrt) wrt.push_back(l.vars[size_t(k)]);
  std::vector<Var> grads = grad(cost, wrt);
  for (size_t j = 0; j < wrt.size(); ++j) {
    Tensor sym = eval(grads[j], l.bind);
    Tensor num = numeric_grad(cost, l, size_t(row.wrt[j]));
    check_close(sym, num, 1e-4, 1e-6, "first-order gradient w.r.t. input " + std::to_string(row.wrt[j]));
  }
  // The gradient graph compiled (merge, folding, rewrites) gives the same numbers.
  Function fg = function(l.vars, grads);
  const auto& compiled_grads = fg(args);
  for (size_t j = 0; j < wrt.size(); ++j)
    check_close(compiled_grads[j], eval(grads[j], l.bind), 1e-7, 1e-9, "compiled gradient");

  if (row.order < 2) return;
  // Grad of grad: differentiate a projection of the first gradients again.
  auto wrt_shape = [&](size_t j) { return row.inputs[size_t(row.wrt[j])].shape(); };
  Var second = project(grads[0], wrt_shape(0), 5);
  for (size_t j = 1; j < grads.size(); ++j)
    second = add(second, project(grads[j], wrt_shape(j), 5 + unsigned(j)));
  std::vector<Var> grads2 = grad(second, wrt, Disconnected::Zero);
  for (size_t j = 0; j < wrt.size(); ++j) {
    Tensor sym = eval(grads2[j], l.bind);
    Tensor num = numeric_grad(second, l, size_t(row.wrt[j]));
    check_close(sym, num, 1e-4, 1e-5, "second-order gradient w.r.t. input " + std::to_string(row.wrt[j]));
  }
}

}  // namespace

TEST_CASE("op table: every registered op has a row") {
  std::set<std::string> covered;
  for (const OpRow& r : op_rows()) covered.insert(r.op);
  for (const OpInfo& info : registered_ops()) {
    INFO("op '" << info.name << "' (" << info.family << ") has no row in the op table");
    CHECK(covered.count(info.name) == 1);
  }
  CHECK(registered_ops().size() >= 40);
}

TEST_CASE("op table: values, gradients and grad of grad") {
  for (const OpRow& row : op_rows()) {
    std::string shapes;
    for (const Tensor& t : row.inputs) shapes += t.shape().str() + " ";
    INFO("row " << row.op << " with inputs " << shapes);
    try {
      run_row(row);
    } catch (const std::exception& e) {
      FAIL_CHECK("row " << row.op << " threw: " << e.what());
    }
  }
}
