// Costs as expressions. Each returns the MEAN over the rows (examples) of a
// per-example cost, so the gradient of a mini-batch cost is network2's
// (1/m) * sum of per-example gradients.
#pragma once
#include <string>
#include <vector>

#include "core/var.hpp"

namespace nabla::nn {

// mean_x 0.5 * ||a - y||^2 (network2's QuadraticCost.fn)
Var quadratic_cost(const Var& a, const Var& y);
// mean_x sum_j -(y ln a + (1-y) ln(1-a)) (network2's CrossEntropyCost.fn). When
// `a` is sigmoid(z) the compiled function evaluates it from z without log(0)
// (the stabilize rewrites turn log(sigmoid) and log(1-sigmoid) into softplus).
Var cross_entropy_cost(const Var& a, const Var& y);
// -mean_x ln a[x, label_x] for integer labels (softmax + log-likelihood)
Var log_likelihood_cost(const Var& a, const Var& labels);

// Penalties over a list of weight tensors: sum of w^2 and sum of |w|.
Var l2_norm_squared(const std::vector<Var>& weights);
Var l1_norm(const std::vector<Var>& weights);

// The cost classes network2 names in its JSON files.
enum class Cost { Quadratic, CrossEntropy, LogLikelihood };
const char* cost_class_name(Cost c);              // "QuadraticCost", "CrossEntropyCost", "LogLikelihoodCost"
Cost cost_from_name(const std::string& name);     // accepts class names and "quadratic" / "cross-entropy" / "log-likelihood"
// Dispatch on the kind: y is one-hot (rows) for Quadratic / CrossEntropy, integer labels for LogLikelihood.
Var cost_expr(Cost c, const Var& a, const Var& y);

}  // namespace nabla::nn
