// Unary elementwise ops and cast. Transcendentals run on float32/float64 only
// (the api functions cast integers to floatX) and are vectorized with xsimd
// through xtensor adaptors over the raw buffers; neg/abs/sign are plain loops
// the compiler vectorizes on its own.
#include <array>
#include <cmath>
#include <cstring>
#include <memory>

// GCC 12 reports its own AVX-512 intrinsics (`__m512 __Y = __Y;`) as
// uninitialized once xsimd's exp/log are inlined: a known false positive
// (TOOLCHAIN.md §1). It fires after inlining, so it is silenced for the file.
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <xtensor/xadapt.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"

namespace nabla {

namespace {

enum class Un { Neg, Exp, Log, Log1p, Sqrt, Abs, Sign, Tanh, Sigmoid, Softplus };

const char* un_name(Un k) {
  switch (k) {
    case Un::Neg: return "neg";
    case Un::Exp: return "exp";
    case Un::Log: return "log";
    case Un::Log1p: return "log1p";
    case Un::Sqrt: return "sqrt";
    case Un::Abs: return "abs";
    case Un::Sign: return "sign";
    case Un::Tanh: return "tanh";
    case Un::Sigmoid: return "sigmoid";
    case Un::Softplus: return "softplus";
  }
  return "?";
}

// neg, abs and sign work on every numeric dtype; the rest need floats.
bool needs_float(Un k) { return !(k == Un::Neg || k == Un::Abs || k == Un::Sign); }

// y = f(x) over n elements, as one xsimd-vectorized xtensor assignment.
template <class T, class F> void vectorized(const T* in, T* out, int64_t n, F f) {
  const std::array<size_t, 1> shape{size_t(n)};
  auto x = xt::adapt(const_cast<T*>(in), size_t(n), xt::no_ownership(), shape);
  auto y = xt::adapt(out, size_t(n), xt::no_ownership(), shape);
  xt::noalias(y) = f(x);
}

template <class T> void run_float(Un k, const T* x, T* y, int64_t n) {
  const T one(1), zero(0);
  switch (k) {
    case Un::Exp: return vectorized(x, y, n, [](const auto& v) { return xt::exp(v); });
    case Un::Log: return vectorized(x, y, n, [](const auto& v) { return xt::log(v); });
    case Un::Log1p: return vectorized(x, y, n, [](const auto& v) { return xt::log1p(v); });
    case Un::Sqrt: return vectorized(x, y, n, [](const auto& v) { return xt::sqrt(v); });
    case Un::Tanh: return vectorized(x, y, n, [](const auto& v) { return xt::tanh(v); });
    case Un::Sigmoid:
      // exp(-x) overflows to inf for x << 0, and 1/(1+inf) = 0: no NaN either way.
      return vectorized(x, y, n, [one](const auto& v) { return one / (one + xt::exp(-v)); });
    case Un::Softplus:
      // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows. Three passes:
      // xt::maximum in the same expression as log1p drops xtensor to scalar code (25x slower).
      vectorized(x, y, n, [](const auto& v) { return xt::exp(-xt::abs(v)); });
      vectorized(y, y, n, [](const auto& v) { return xt::log1p(v); });
      for (int64_t i = 0; i < n; ++i) y[i] += x[i] > zero ? x[i] : zero;
      return;
    default: break;
  }
}

template <class T> void run_any(Un k, const T* x, T* y, int64_t n) {
  switch (k) {
    case Un::Neg:
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(-x[i]);
      return;
    case Un::Abs:
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] < T(0) ? static_cast<T>(-x[i]) : x[i];
      return;
    case Un::Sign:
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>((T(0) < x[i]) - (x[i] < T(0)));
      return;
    default: break;
  }
}

class UnaryOp : public Op {
 public:
  explicit UnaryOp(Un k) : k_(k) {}
  std::string name() const override { return un_name(k_); }

  Type infer(const std::vector<Type>& in) const override {
    if (in.size() != 1) throw ValueError("expects 1 input, got " + std::to_string(in.size()));
    if (needs_float(k_) && !is_float(in[0].dtype))
      throw TypeError(std::string(un_name(k_)) + " needs a float input, got " + dtype_name(in[0].dtype));
    return in[0];
  }

  Shape out_shape(const Tensor* const* in, int n_in) const override { return in[0]->shape(); }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const int64_t n = out.size();
    if (n == 0) return;
    if (needs_float(k_)) {
      dispatch_float(out.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        run_float<T>(k_, in[0]->data<T>(), out.data<T>(), n);
      });
      return;
    }
    if (out.dtype() == DType::Bool) {  // abs and sign of a bool are itself; neg is logical not
      const bool* x = in[0]->data<bool>();
      bool* y = out.data<bool>();
      for (int64_t i = 0; i < n; ++i) y[i] = k_ == Un::Neg ? !x[i] : x[i];
      return;
    }
    dispatch(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (!std::is_same<T, bool>::value) run_any<T>(k_, in[0]->data<T>(), out.data<T>(), n);
    });
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    const Var& x = in[0];
    if (!is_float(x.dtype())) return no_gradient(in);
    switch (k_) {
      case Un::Neg: return {neg(g)};
      case Un::Exp: return {mul(g, out)};
      case Un::Log: return {div(g, x)};
      case Un::Log1p: return {div(g, add(literal(1.0, x), x))};
      case Un::Sqrt: return {div(g, mul(literal(2.0, out), out))};
      case Un::Abs: return {mul(g, sign(x))};
      case Un::Sign: return {Var()};  // zero almost everywhere
      case Un::Tanh: return {mul(g, sub(literal(1.0, out), mul(out, out)))};
      case Un::Sigmoid: return {mul(g, mul(out, sub(literal(1.0, out), out)))};
      case Un::Softplus: return {mul(g, sigmoid(x))};
    }
    return no_gradient(in);
  }

 private:
  Un k_;
};

template <class S, class D> void convert(const S* x, D* y, int64_t n) {
  if constexpr (std::is_same<D, bool>::value) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] != S(0);
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<D>(x[i]);
  }
}

class CastOp : public Op {
 public:
  explicit CastOp(DType to) : to_(to) {}
  std::string name() const override { return "cast"; }
  std::string params() const override { return std::string("dtype=") + dtype_name(to_); }

  Type infer(const std::vector<Type>& in) const override {
    if (in.size() != 1) throw ValueError("expects 1 input, got " + std::to_string(in.size()));
    return Type{to_, in[0].shape};
  }

  Shape out_shape(const Tensor* const* in, int n_in) const override { return in[0]->shape(); }

  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const int64_t n = out.size();
    if (in[0]->dtype() == to_) {
      if (n) std::memcpy(out.raw(), in[0]->raw(), out.nbytes());
      return;
    }
    dispatch(in[0]->dtype(), [&](auto src) {
      using S = typename decltype(src)::type;
      dispatch(to_, [&](auto dst) {
        using D = typename decltype(dst)::type;
        convert<S, D>(in[0]->data<S>(), out.data<D>(), n);
      });
    });
  }

  std::vector<Var> pullback(const std::vector<Var>& in, const Var& out, const Var& g) const override {
    // Through an integer or bool value the result is piecewise constant.
    if (!is_float(in[0].dtype()) || !is_float(to_)) return no_gradient(in);
    return {cast(g, in[0].dtype())};
  }

 private:
  DType to_;
};

Var unary(Un k, const Var& x, Loc loc) {
  if (!x.defined())
    throw ValueError(std::string("nabla: ") + un_name(k) + ": the input is an undefined Var\n" +
                     "  in the expression created at " + loc.str());
  Var v = x;
  if (needs_float(k) && !is_float(v.dtype())) v = cast(v, floatX, loc);
  if (k == Un::Neg && v.dtype() == DType::Bool) v = cast(v, DType::Int64, loc);
  return apply(std::make_shared<UnaryOp>(k), {v}, loc);
}

}  // namespace

Var neg(const Var& x, Loc loc) { return unary(Un::Neg, x, loc); }
Var exp(const Var& x, Loc loc) { return unary(Un::Exp, x, loc); }
Var log(const Var& x, Loc loc) { return unary(Un::Log, x, loc); }
Var log1p(const Var& x, Loc loc) { return unary(Un::Log1p, x, loc); }
Var sqrt(const Var& x, Loc loc) { return unary(Un::Sqrt, x, loc); }
Var abs(const Var& x, Loc loc) { return unary(Un::Abs, x, loc); }
Var sign(const Var& x, Loc loc) { return unary(Un::Sign, x, loc); }
Var tanh(const Var& x, Loc loc) { return unary(Un::Tanh, x, loc); }
Var sigmoid(const Var& x, Loc loc) { return unary(Un::Sigmoid, x, loc); }
Var softplus(const Var& x, Loc loc) { return unary(Un::Softplus, x, loc); }

Var cast(const Var& x, DType dtype, Loc loc) {
  if (x.defined() && x.dtype() == dtype) return x;
  return apply(std::make_shared<CastOp>(dtype), {x}, loc);
}

namespace detail {
void register_unary_ops() {
  const char* docs[] = {"-x",
                        "e^x",
                        "natural logarithm",
                        "log(1 + x), accurate near 0",
                        "square root",
                        "|x|",
                        "-1, 0 or 1 (no gradient)",
                        "hyperbolic tangent",
                        "1 / (1 + e^-x), finite for any x",
                        "log(1 + e^x), computed stably"};
  for (int k = 0; k <= int(Un::Softplus); ++k) register_op({un_name(Un(k)), "elementwise", docs[k]});
  register_op({"cast", "elementwise", "convert to another dtype (to bool: x != 0)"});
}
}  // namespace detail

}  // namespace nabla
