// softmax and log_softmax over the last axis: stable (the row max is
// subtracted first) and vectorized (one xsimd exp over the whole output).
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/nnet_ops.hpp"

namespace nabla {

namespace {

template <class T>
void exp_inplace(T* p, int64_t n) {
  auto v = xt::adapt(p, size_t(n), xt::no_ownership(), std::array<size_t, 1>{size_t(n)});
  xt::noalias(v) = xt::exp(v);
}

template <class T>
T row_max(const T* x, int64_t n) {
  T m = x[0];
  for (int64_t j = 1; j < n; ++j) m = std::max(m, x[j]);
  return m;
}

// out = exp(x - rowmax(x)) for every row of length n.
template <class T>
void shifted_exp(const T* x, T* out, int64_t rows, int64_t n) {
  for (int64_t i = 0; i < rows; ++i) {
    const T* xr = x + i * n;
    T* o = out + i * n;
    const T m = row_max(xr, n);
    for (int64_t j = 0; j < n; ++j) o[j] = xr[j] - m;
  }
  exp_inplace(out, rows * n);
}

template <class T>
T row_sum(const T* x, int64_t n) {
  T s = 0;
  for (int64_t j = 0; j < n; ++j) s += x[j];
  return s;
}

class SoftmaxKernel final : public SoftmaxOp {
 public:
  explicit SoftmaxKernel(bool log) : SoftmaxOp(log) {}
  std::string name() const override { return is_log() ? "log_softmax" : "softmax"; }
  Type infer(const InputInfos& in) const override {
    if (!is_float(in[0].dtype))
      throw TypeError(std::string("needs a float tensor, got ") + in[0].str());
    if (in[0].rank() < 1)
      throw ShapeError("needs at least one axis, got shape " + in[0].shape.str());
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t n = out.shape()[out.rank() - 1];
    if (n == 0 || out.size() == 0) return;
    const int64_t rows = out.size() / n;
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = in[0]->data<T>();
      T* o = out.data<T>();
      shifted_exp(x, o, rows, n);
      for (int64_t i = 0; i < rows; ++i) {
        T* orow = o + i * n;
        const T s = row_sum(orow, n);
        if (is_log()) {
          // log_softmax = (x - max) - log(sum(exp(x - max)))
          const T* xr = x + i * n;
          const T shift = row_max(xr, n) + std::log(s);
          for (int64_t j = 0; j < n; ++j) orow[j] = xr[j] - shift;
        } else {
          const T inv = T(1) / s;
          for (int64_t j = 0; j < n; ++j) orow[j] *= inv;
        }
      }
    });
  }
  std::vector<Var> pullback(const std::vector<Var>&, const Var& y, const Var& g) const override {
    if (is_log()) return {g - exp(y) * sum(g, Axes(-1), true)};
    return {(g - sum(g * y, Axes(-1), true)) * y};
  }
};

Var as_float(const Var& x, Loc loc) {
  return x.defined() && !is_float(x.dtype()) ? cast(x, floatX, loc) : x;
}

}  // namespace

Var softmax(const Var& x, Loc loc) {
  return apply(std::make_shared<SoftmaxKernel>(false), {as_float(x, loc)}, loc);
}

Var log_softmax(const Var& x, Loc loc) {
  return apply(std::make_shared<SoftmaxKernel>(true), {as_float(x, loc)}, loc);
}

void register_nnet_rewrites();  // ops/nnet_rewrites.cpp: softmax cross-entropy, forward and backward

void register_nnet_ops() {
  auto make = [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<SoftmaxKernel>(p.op() == "log_softmax"); };
  register_op({"softmax", "nnet", "exp(x) / sum(exp(x)) over the last axis (stable)", make});
  register_op({"log_softmax", "nnet", "x - logsumexp(x) over the last axis (stable)", make});
  register_nnet_rewrites();
}

}  // namespace nabla
