// Chapter 2's backpropagation equations BP1-BP4 written out with nabla ops, one
// example at a time as network.py's backprop does, plus central finite
// differences: the two references nabla's grad is checked against (experiment
// 2.1 and tests/test_book_ch2.cpp). Sigmoid layers a^l = sigma(W^l a^{l-1} + b^l)
// with W^l stored (n_out, n_in), as the book stores it.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "nabla.hpp"
#include "nn/nn.hpp"

namespace book::backprop {

using nabla::Var;

struct Gradients {
  std::vector<Var> w;  // dC/dW^l, shaped like W^l
  std::vector<Var> b;  // dC/db^l
};

inline Var sigmoid_prime(const Var& z) {
  Var s = nabla::sigmoid(z);
  return s * (1.0 - s);
}

// The outer product u v^T of two vectors, by broadcasting a column against a row.
inline Var outer(const Var& u, const Var& v) {
  return nabla::dimshuffle(u, {0, nabla::bcast}) * nabla::dimshuffle(v, {nabla::bcast, 0});
}

// BP1-BP4 for one example x (n_in,) with one-hot target y (n_out,). The cost is
// network2's per-example cost: quadratic 0.5||a-y||^2 or cross-entropy.
inline Gradients one_example(const std::vector<Var>& W, const std::vector<Var>& b, const Var& x, const Var& y,
                             nabla::nn::Cost cost) {
  const size_t L = W.size();
  std::vector<Var> zs, as{x};  // the forward pass keeps every z^l and a^l
  for (size_t l = 0; l < L; ++l) {
    zs.push_back(nabla::dot(W[l], as.back()) + b[l]);
    as.push_back(nabla::sigmoid(zs.back()));
  }
  Gradients g{std::vector<Var>(L), std::vector<Var>(L)};
  // BP1: delta^L = grad_a C (.) sigma'(z^L); for cross-entropy sigma' cancels to a - y.
  Var delta = cost == nabla::nn::Cost::Quadratic ? (as[L] - y) * sigmoid_prime(zs[L - 1]) : as[L] - y;
  for (size_t l = L; l-- > 0;) {
    if (l + 1 < L) delta = nabla::dot(nabla::transpose(W[l + 1]), delta) * sigmoid_prime(zs[l]);  // BP2
    g.b[l] = delta;                // BP3: dC/db^l_j = delta^l_j
    g.w[l] = outer(delta, as[l]);  // BP4: dC/dw^l_jk = a^{l-1}_k delta^l_j
  }
  return g;
}

// The gradient of the mini-batch's mean cost: (1/m) sum over the m rows of X, Y
// of one_example, the loop of network.py's update_mini_batch unrolled in the graph.
inline Gradients mean_over_rows(const std::vector<Var>& W, const std::vector<Var>& b, const Var& X, const Var& Y,
                                int64_t m, nabla::nn::Cost cost) {
  using nabla::Index;
  Gradients sum;
  for (int64_t i = 0; i < m; ++i) {
    Gradients g = one_example(W, b, nabla::subtensor(X, {Index::at(i)}), nabla::subtensor(Y, {Index::at(i)}), cost);
    if (i == 0) {
      sum = g;
      continue;
    }
    for (size_t l = 0; l < W.size(); ++l) {
      sum.w[l] = sum.w[l] + g.w[l];
      sum.b[l] = sum.b[l] + g.b[l];
    }
  }
  for (size_t l = 0; l < W.size(); ++l) {
    sum.w[l] = sum.w[l] / double(m);
    sum.b[l] = sum.b[l] / double(m);
  }
  return sum;
}

// The same network on the whole mini-batch at once (rows are examples): the
// mean cost whose gradient nabla's grad derives.
inline Var mean_cost(const std::vector<Var>& W, const std::vector<Var>& b, const Var& X, const Var& Y,
                     nabla::nn::Cost cost) {
  Var a = X;
  for (size_t l = 0; l < W.size(); ++l) a = nabla::sigmoid(nabla::matmul(a, W[l], false, true) + b[l]);
  return nabla::nn::cost_expr(cost, a, Y);
}

// dC/dp by central differences (C(p + eps) - C(p - eps)) / 2 eps for every
// entry of args[k], where `cost_fn` maps args to the scalar cost. Entries are
// perturbed in place and restored.
inline nabla::Tensor finite_differences(nabla::Function& cost_fn, std::vector<nabla::Tensor>& args, size_t k,
                                        double eps = 1e-6) {
  nabla::Tensor& p = args[k];
  nabla::Tensor out(p.dtype(), p.shape());
  for (int64_t i = 0; i < p.size(); ++i) {
    const double v = p.at(i);
    p.set(i, v + eps);
    const double up = cost_fn(args)[0].item();
    p.set(i, v - eps);
    const double down = cost_fn(args)[0].item();
    p.set(i, v);
    out.set(i, (up - down) / (2 * eps));
  }
  return out;
}

// max |a - b| over the entries, relative to the largest magnitude in either
// tensor: entries near zero (weights from blank pixels) cannot inflate it.
inline double relative_difference(const nabla::Tensor& a, const nabla::Tensor& b) {
  double diff = 0, scale = 0;
  for (int64_t i = 0; i < a.size(); ++i) {
    diff = std::max(diff, std::abs(a.at(i) - b.at(i)));
    scale = std::max({scale, std::abs(a.at(i)), std::abs(b.at(i))});
  }
  return scale > 0 ? diff / scale : diff;
}

}  // namespace book::backprop
