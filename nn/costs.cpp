// Costs as graph expressions. Where the output activation is visible in the
// graph (sigmoid for cross-entropy, softmax for log-likelihood) the cost is
// written from the weighted input z instead of from a: the value then never
// takes log(0), and -- more important for training -- the gradient grad()
// derives is the short, finite a - y rather than a quotient that is 0/0 once
// the activation saturates.
#include "nn/costs.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/op.hpp"
#include "ops/api.hpp"
#include "ops/elementwise_ops.hpp"
#include "ops/nnet_ops.hpp"

namespace nabla::nn {

namespace {


void require_defined(const Var& v, const char* what, const char* cost) {
  if (!v.defined()) throw ValueError(std::string("nabla: ") + cost + ": " + what + " is an undefined Var");
}

// a and y must be matrices of one shape (rows are examples), as far as known.
void check_rows(const Var& a, const Var& y, const char* cost) {
  require_defined(a, "the activation a", cost);
  require_defined(y, "the target y", cost);
  if (a.rank() != 2 || y.rank() != 2)
    throw ShapeError(std::string("nabla: ") + cost + " needs a and y as matrices (one row per example), got a " +
                     a.type().str() + " and y " + y.type().str());
  for (int d = 0; d < 2; ++d)
    if (a.shape()[d] >= 0 && y.shape()[d] >= 0 && a.shape()[d] != y.shape()[d])
      throw ShapeError(std::string("nabla: ") + cost + ": a " + a.type().str() + " and y " + y.type().str() +
                       " differ in shape");
  if (!is_float(a.dtype()) || a.dtype() != y.dtype())
    throw TypeError(std::string("nabla: ") + cost + " needs a and y of one float dtype, got a " + a.type().str() +
                    " and y " + y.type().str() + " (one-hot targets as float)");
}

// The number of examples (rows of a) as a scalar of a's dtype; a constant when
// the batch size is known statically.
Var rows(const Var& a) {
  if (a.shape()[0] >= 0) return constant(double(a.shape()[0]), a.dtype());
  return cast(shape_i(a, 0), a.dtype());
}

}  // namespace

Var quadratic_cost(const Var& a, const Var& y) {
  check_rows(a, y, "quadratic_cost");
  return sum(sqr(a - y)) / (2.0 * rows(a));
}

Var cross_entropy_cost(const Var& a, const Var& y) {
  check_rows(a, y, "cross_entropy_cost");
  if (is_unary(a, UnaryFn::Sigmoid)) {
    // -y ln s(z) - (1-y) ln(1-s(z)) = y softplus(-z) + (1-y) softplus(z) = softplus(z) - y z
    const Var& z = a.inputs()[0];
    return sum(softplus(z) - y * z) / rows(a);
  }
  return -sum(y * log(a) + (1.0 - y) * log(1.0 - a)) / rows(a);
}

Var log_likelihood_cost(const Var& a, const Var& labels) {
  require_defined(a, "the activation a", "log_likelihood_cost");
  require_defined(labels, "the labels", "log_likelihood_cost");
  if (a.rank() != 2 || labels.rank() != 1 || !is_integer(labels.dtype()))
    throw ShapeError("nabla: log_likelihood_cost needs a as a matrix (one row per example) and integer labels "
                     "as a vector, got a " + a.type().str() + " and labels " + labels.type().str());
  if (a.shape()[0] >= 0 && labels.shape()[0] >= 0 && a.shape()[0] != labels.shape()[0])
    throw ShapeError("nabla: log_likelihood_cost: a " + a.type().str() + " has " + std::to_string(a.shape()[0]) +
                     " rows but there are " + std::to_string(labels.shape()[0]) + " labels");
  const SoftmaxOp* sm = op_as<SoftmaxOp>(a);
  const Var log_a = sm && !sm->is_log() ? log_softmax(a.inputs()[0]) : log(a);
  const Var n = a.shape()[0] >= 0 ? Var(constant(double(a.shape()[0]), DType::Int64)) : shape_i(a, 0);
  return -mean(take2d(log_a, arange(Dim(n)), class_labels(labels, a, "log_likelihood_cost")));
}

Var l2_norm_squared(const std::vector<Var>& weights) {
  Var total;
  for (const Var& w : weights) {
    require_defined(w, "a weight", "l2_norm_squared");
    Var s = sum(sqr(w));
    total = total.defined() ? total + s : s;
  }
  return total.defined() ? total : constant(0.0, floatX);
}

Var l1_norm(const std::vector<Var>& weights) {
  Var total;
  for (const Var& w : weights) {
    require_defined(w, "a weight", "l1_norm");
    Var s = sum(abs(w));
    total = total.defined() ? total + s : s;
  }
  return total.defined() ? total : constant(0.0, floatX);
}

const char* cost_class_name(Cost c) {
  switch (c) {
    case Cost::Quadratic: return "QuadraticCost";
    case Cost::CrossEntropy: return "CrossEntropyCost";
    case Cost::LogLikelihood: return "LogLikelihoodCost";
  }
  return "?";
}

Cost cost_from_name(const std::string& name) {
  std::string key = name;
  std::replace(key.begin(), key.end(), '_', '-');
  const struct {
    const char* short_name;
    Cost cost;
  } names[] = {{"quadratic", Cost::Quadratic}, {"cross-entropy", Cost::CrossEntropy},
               {"log-likelihood", Cost::LogLikelihood}};
  for (const auto& n : names)
    if (name == cost_class_name(n.cost) || key == n.short_name) return n.cost;
  throw ValueError("nabla: unknown cost '" + name +
                   "' (known: QuadraticCost, CrossEntropyCost, LogLikelihoodCost, quadratic, cross-entropy, "
                   "log-likelihood)");
}

Var cost_expr(Cost c, const Var& a, const Var& y) {
  switch (c) {
    case Cost::Quadratic: return quadratic_cost(a, y);
    case Cost::CrossEntropy: return cross_entropy_cost(a, y);
    case Cost::LogLikelihood: return log_likelihood_cost(a, y);
  }
  throw ValueError("nabla: cost_expr: unknown cost kind " + std::to_string(int(c)));
}

}  // namespace nabla::nn
