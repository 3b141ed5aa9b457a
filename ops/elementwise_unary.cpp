// Unary elementwise ops and cast. The unary ops are one table (kUnaryTable): a
// row per function with its name, doc, float kernels and gradient; UnaryOp, the
// api functions, the registry and the Python module all read it, so adding a
// function is adding a row (and its UnaryFn enumerator). Transcendentals run on
// float32/float64 only (the api functions cast integers to floatX) and are
// vectorized with xsimd through xtensor adaptors over the raw buffers.
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
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/elementwise_kernels.hpp"

namespace nabla {

namespace {

// y = f(x) over n elements, as one xsimd-vectorized xtensor assignment.
template <class T, class F> void vectorized(const T* in, T* out, int64_t n, F f) {
  const std::array<size_t, 1> shape{size_t(n)};
  auto x = xt::adapt(const_cast<T*>(in), size_t(n), xt::no_ownership(), shape);
  auto y = xt::adapt(out, size_t(n), xt::no_ownership(), shape);
  xt::noalias(y) = f(x);
}

// ---- float kernels, one per row ------------------------------------------------
template <class T> void k_neg(const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = -x[i];
}
template <class T> void k_exp(const T* x, T* y, int64_t n) {
  vectorized(x, y, n, [](const auto& v) { return xt::exp(v); });
}
template <class T> void k_log(const T* x, T* y, int64_t n) {
  vectorized(x, y, n, [](const auto& v) { return xt::log(v); });
}
template <class T> void k_log1p(const T* x, T* y, int64_t n) {
  vectorized(x, y, n, [](const auto& v) { return xt::log1p(v); });
}
template <class T> void k_sqrt(const T* x, T* y, int64_t n) {
  vectorized(x, y, n, [](const auto& v) { return xt::sqrt(v); });
}
template <class T> void k_abs(const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::fabs(x[i]);
}
template <class T> void k_sign(const T* x, T* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>((T(0) < x[i]) - (x[i] < T(0)));
}
template <class T> void k_tanh(const T* x, T* y, int64_t n) {
  vectorized(x, y, n, [](const auto& v) { return xt::tanh(v); });
}
template <class T> void k_sigmoid(const T* x, T* y, int64_t n) {
  // exp(-x) overflows to inf for x << 0, and 1/(1+inf) = 0: no NaN either way.
  const T one(1);
  vectorized(x, y, n, [one](const auto& v) { return one / (one + xt::exp(-v)); });
}
template <class T> void k_softplus(const T* x, T* y, int64_t n) {
  // log(1 + e^x) = max(x, 0) + log1p(e^-|x|): never overflows. Three passes:
  // xt::maximum in the same expression as log1p drops xtensor to scalar code (25x
  // slower). The max term is taken from x before y overwrites it (y may be x).
  constexpr int64_t kBlock = 256;
  T pos[kBlock];
  for (int64_t i0 = 0; i0 < n; i0 += kBlock) {
    const int64_t len = std::min(kBlock, n - i0);
    for (int64_t i = 0; i < len; ++i) pos[i] = x[i0 + i] > T(0) ? x[i0 + i] : T(0);
    vectorized(x + i0, y + i0, len, [](const auto& v) { return xt::exp(-xt::abs(v)); });
    vectorized(y + i0, y + i0, len, [](const auto& v) { return xt::log1p(v); });
    for (int64_t i = 0; i < len; ++i) y[i0 + i] += pos[i];
  }
}
template <class T> void k_erf(const T* x, T* y, int64_t n) {
  vectorized(x, y, n, [](const auto& v) { return xt::erf(v); });
}

// ---- gradients, one per row ----------------------------------------------------
Var g_neg(const Var&, const Var&, const Var& g) { return neg(g); }
Var g_exp(const Var&, const Var& out, const Var& g) { return mul(g, out); }
Var g_log(const Var& x, const Var&, const Var& g) { return div(g, x); }
Var g_log1p(const Var& x, const Var&, const Var& g) { return div(g, add(literal(1.0, x), x)); }
Var g_sqrt(const Var&, const Var& out, const Var& g) { return div(g, mul(literal(2.0, out), out)); }
Var g_abs(const Var& x, const Var&, const Var& g) { return mul(g, sign(x)); }
Var g_tanh(const Var&, const Var& out, const Var& g) { return mul(g, sub(literal(1.0, out), mul(out, out))); }
Var g_sigmoid(const Var&, const Var& out, const Var& g) { return mul(g, mul(out, sub(literal(1.0, out), out))); }
Var g_softplus(const Var& x, const Var&, const Var& g) { return mul(g, sigmoid(x)); }
Var g_erf(const Var& x, const Var&, const Var& g) {  // 2/sqrt(pi) e^(-x^2)
  return mul(g, mul(literal(1.1283791670955126, x), exp(neg(mul(x, x)))));
}

#define NABLA_UNARY_KERNELS(k) k<float>, k<double>
const UnaryRow kUnaryTable[] = {
    {UnaryFn::Neg, "neg", "-x", false, NABLA_UNARY_KERNELS(k_neg), g_neg},
    {UnaryFn::Exp, "exp", "e^x", true, NABLA_UNARY_KERNELS(k_exp), g_exp},
    {UnaryFn::Log, "log", "natural logarithm", true, NABLA_UNARY_KERNELS(k_log), g_log},
    {UnaryFn::Log1p, "log1p", "log(1 + x), accurate near 0", true, NABLA_UNARY_KERNELS(k_log1p), g_log1p},
    {UnaryFn::Sqrt, "sqrt", "square root", true, NABLA_UNARY_KERNELS(k_sqrt), g_sqrt},
    {UnaryFn::Abs, "abs", "|x|", false, NABLA_UNARY_KERNELS(k_abs), g_abs},
    {UnaryFn::Sign, "sign", "-1, 0 or 1 (no gradient)", false, NABLA_UNARY_KERNELS(k_sign), nullptr},
    {UnaryFn::Tanh, "tanh", "hyperbolic tangent", true, NABLA_UNARY_KERNELS(k_tanh), g_tanh},
    {UnaryFn::Sigmoid, "sigmoid", "1 / (1 + e^-x), finite for any x", true, NABLA_UNARY_KERNELS(k_sigmoid),
     g_sigmoid},
    {UnaryFn::Softplus, "softplus", "log(1 + e^x), computed stably", true, NABLA_UNARY_KERNELS(k_softplus),
     g_softplus},
    {UnaryFn::Erf, "erf", "the error function 2/sqrt(pi) * integral of e^(-t^2) from 0 to x", true,
     NABLA_UNARY_KERNELS(k_erf), g_erf},
};
#undef NABLA_UNARY_KERNELS
static_assert(sizeof(kUnaryTable) / sizeof(kUnaryTable[0]) == size_t(UnaryFn::Count),
              "kUnaryTable needs one row per UnaryFn enumerator");

// Integer and bool kernels of the rows that take them.
template <class T> void run_integer(UnaryFn fn, const T* x, T* y, int64_t n) {
  switch (fn) {
    case UnaryFn::Neg:
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>(-x[i]);
      return;
    case UnaryFn::Abs:
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] < T(0) ? static_cast<T>(-x[i]) : x[i];
      return;
    case UnaryFn::Sign:
      for (int64_t i = 0; i < n; ++i) y[i] = static_cast<T>((T(0) < x[i]) - (x[i] < T(0)));
      return;
    default: break;
  }
}

}  // namespace

const UnaryRow& unary_row(UnaryFn fn) {
  const UnaryRow& row = kUnaryTable[size_t(fn)];
  if (row.fn != fn) throw Error("nabla: kUnaryTable rows are out of UnaryFn order");
  return row;
}
const UnaryRow* unary_rows_begin() { return kUnaryTable; }
const UnaryRow* unary_rows_end() { return kUnaryTable + size_t(UnaryFn::Count); }

template <> UnaryKernel<float> unary_kernel<float>(UnaryFn fn) { return unary_row(fn).f32; }
template <> UnaryKernel<double> unary_kernel<double>(UnaryFn fn) { return unary_row(fn).f64; }

// ---- UnaryOp ---------------------------------------------------------------------
std::string UnaryOp::name() const { return unary_row(fn_).name; }

Type UnaryOp::infer(const InputInfos& in) const {
  if (in.size() != 1) throw ValueError("expects 1 input, got " + std::to_string(in.size()));
  if (unary_row(fn_).float_only && !is_float(in[0].dtype))
    throw TypeError(std::string(name()) + " needs a float input, got " + dtype_name(in[0].dtype));
  return in[0];
}

void UnaryOp::perform(const Tensor* const* in, int, Tensor& out) const {
  const int64_t n = out.size();
  if (n == 0) return;
  if (is_float(out.dtype())) {
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      unary_kernel<T>(fn_)(in[0]->data<T>(), out.data<T>(), n);
    });
    return;
  }
  if (out.dtype() == DType::Bool) {  // abs and sign of a bool are itself; neg is logical not
    const bool* x = in[0]->data<bool>();
    bool* y = out.data<bool>();
    for (int64_t i = 0; i < n; ++i) y[i] = fn_ == UnaryFn::Neg ? !x[i] : x[i];
    return;
  }
  dispatch(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    if constexpr (!std::is_same<T, bool>::value) run_integer<T>(fn_, in[0]->data<T>(), out.data<T>(), n);
  });
}

std::vector<Var> UnaryOp::pullback(const std::vector<Var>& in, const Var& out, const Var& g) const {
  const auto grad = unary_row(fn_).grad;
  if (!is_float(in[0].dtype()) || !grad) return {Var()};
  return {grad(in[0], out, g)};
}

// ---- cast --------------------------------------------------------------------------
namespace {
template <class S, class D> void convert(const S* x, D* y, int64_t n) {
  if constexpr (std::is_same<D, bool>::value) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] != S(0);
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = static_cast<D>(x[i]);
  }
}
}  // namespace

std::string CastOp::params() const { return std::string("dtype=") + dtype_name(to_); }

Type CastOp::infer(const InputInfos& in) const {
  if (in.size() != 1) throw ValueError("expects 1 input, got " + std::to_string(in.size()));
  return Type{to_, in[0].shape};
}

void CastOp::perform(const Tensor* const* in, int, Tensor& out) const {
  const int64_t n = out.size();
  if (in[0]->dtype() == to_) {
    if (n && out.raw() != in[0]->raw()) std::memcpy(out.raw(), in[0]->raw(), out.nbytes());
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

std::vector<Var> CastOp::pullback(const std::vector<Var>& in, const Var&, const Var& g) const {
  // Through an integer or bool value the result is piecewise constant.
  if (!is_float(in[0].dtype()) || !is_float(to_)) return no_gradient(in);
  return {cast(g, in[0].dtype())};
}

// ---- api ---------------------------------------------------------------------------
Var unary_op(UnaryFn fn, const Var& x, Loc loc) {
  const UnaryRow& row = unary_row(fn);
  if (!x.defined())
    throw ValueError(std::string("nabla: ") + row.name + ": the input is an undefined Var\n" +
                     "  in the expression created at " + loc.str());
  Var v = x;
  if (row.float_only && !is_float(v.dtype())) v = cast(v, floatX, loc);
  if (fn == UnaryFn::Neg && v.dtype() == DType::Bool) v = cast(v, DType::Int64, loc);
  return apply(std::make_shared<UnaryOp>(fn), {v}, loc);
}

Var neg(const Var& x, Loc loc) { return unary_op(UnaryFn::Neg, x, loc); }
Var exp(const Var& x, Loc loc) { return unary_op(UnaryFn::Exp, x, loc); }
Var log(const Var& x, Loc loc) { return unary_op(UnaryFn::Log, x, loc); }
Var log1p(const Var& x, Loc loc) { return unary_op(UnaryFn::Log1p, x, loc); }
Var sqrt(const Var& x, Loc loc) { return unary_op(UnaryFn::Sqrt, x, loc); }
Var abs(const Var& x, Loc loc) { return unary_op(UnaryFn::Abs, x, loc); }
Var sign(const Var& x, Loc loc) { return unary_op(UnaryFn::Sign, x, loc); }
Var tanh(const Var& x, Loc loc) { return unary_op(UnaryFn::Tanh, x, loc); }
Var sigmoid(const Var& x, Loc loc) { return unary_op(UnaryFn::Sigmoid, x, loc); }
Var softplus(const Var& x, Loc loc) { return unary_op(UnaryFn::Softplus, x, loc); }
Var erf(const Var& x, Loc loc) { return unary_op(UnaryFn::Erf, x, loc); }

Var cast(const Var& x, DType dtype, Loc loc) {
  if (x.defined() && x.dtype() == dtype) return x;
  return apply(std::make_shared<CastOp>(dtype), {x}, loc);
}

namespace detail {
void register_unary_ops() {
  // One factory for the table: the row of the op's name (rows are in UnaryFn order).
  auto make_unary = [](const OpParams& p) -> std::shared_ptr<const Op> {
    for (const UnaryRow* r = unary_rows_begin(); r != unary_rows_end(); ++r)
      if (p.op() == r->name) return std::make_shared<UnaryOp>(UnaryFn(r - unary_rows_begin()));
    p.fail("not a row of the unary table");
  };
  for (const UnaryRow* r = unary_rows_begin(); r != unary_rows_end(); ++r)
    register_op({r->name, "elementwise", r->doc, make_unary});
  register_op({"cast", "elementwise", "convert to another dtype (to bool: x != 0)",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<CastOp>(p.dtype("dtype")); }});
}
}  // namespace detail

}  // namespace nabla
