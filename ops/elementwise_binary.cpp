// Binary elementwise ops with numpy broadcasting (add ... ge) and where().
// Kernels see one dtype: the api functions cast both operands to the promoted
// dtype first. Loops per kernel, fastest first: same layout (flat), a scalar
// operand, a block repeated along leading dims (a bias row), and the general
// strided walk whose innermost row is a tight loop.
#include <cmath>
#include <memory>
#include <type_traits>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/broadcast_internal.hpp"
#include "ops/elementwise_kernels.hpp"

namespace nabla {

namespace {

const char* bin_name(BinaryFn k) {
  switch (k) {
    case BinaryFn::Add: return "add";
    case BinaryFn::Sub: return "sub";
    case BinaryFn::Mul: return "mul";
    case BinaryFn::Div: return "div";
    case BinaryFn::Pow: return "pow";
    case BinaryFn::Maximum: return "maximum";
    case BinaryFn::Minimum: return "minimum";
    case BinaryFn::Eq: return "eq";
    case BinaryFn::Neq: return "neq";
    case BinaryFn::Lt: return "lt";
    case BinaryFn::Le: return "le";
    case BinaryFn::Gt: return "gt";
    case BinaryFn::Ge: return "ge";
    case BinaryFn::Count: break;
  }
  return "?";
}

// o[i] = f(a[i], b[i]) over the broadcast of a and b into o.
template <class T, class R, class F>
void binary_loop(const Tensor& A, const Tensor& B, Tensor& O, F f) {
  // The output may be one of the inputs (in-place steps): every loop below reads
  // o's element i from the same index it writes, so no __restrict here.
  const T* a = A.data<T>();
  const T* b = B.data<T>();
  R* o = O.data<R>();
  const int64_t n = O.size();
  if (n == 0) return;
  // An operand that broadcasts to O with O's size is laid out like O.
  if (A.size() == n && B.size() == n) {
    for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);
    return;
  }
  if (A.size() == 1 && B.size() == n) {
    const T s = a[0];
    for (int64_t i = 0; i < n; ++i) o[i] = f(s, b[i]);
    return;
  }
  if (B.size() == 1 && A.size() == n) {
    const T s = b[0];
    for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], s);
    return;
  }
  // One operand repeats whole along the leading dims of the other (a bias row):
  // rows of the full operand against the same contiguous block.
  if (A.size() == n && detail::is_trailing_block(B.shape(), O.shape())) {
    const int64_t m = B.size();
    for (int64_t r = 0; r < n; r += m)
      for (int64_t i = 0; i < m; ++i) o[r + i] = f(a[r + i], b[i]);
    return;
  }
  if (B.size() == n && detail::is_trailing_block(A.shape(), O.shape())) {
    const int64_t m = A.size();
    for (int64_t r = 0; r < n; r += m)
      for (int64_t i = 0; i < m; ++i) o[r + i] = f(a[i], b[r + i]);
    return;
  }
  int64_t so[Shape::kMaxRank], sa[Shape::kMaxRank], sb[Shape::kMaxRank];
  detail::contiguous_strides(O.shape(), so);
  detail::broadcast_strides(A.shape(), O.shape(), sa);
  detail::broadcast_strides(B.shape(), O.shape(), sb);
  const int64_t* st[3] = {so, sa, sb};
  detail::StridedLoop<3> loop(O.shape(), st);
  const int64_t ia = loop.inner_stride(1), ib = loop.inner_stride(2);
  loop.run([&](const int64_t* off, int64_t len) {
    R* po = o + off[0];
    const T* pa = a + off[1];
    const T* pb = b + off[2];
    if (ia == 1 && ib == 1) {
      for (int64_t i = 0; i < len; ++i) po[i] = f(pa[i], pb[i]);
    } else if (ia == 0 && ib == 1) {
      const T s = pa[0];
      for (int64_t i = 0; i < len; ++i) po[i] = f(s, pb[i]);
    } else if (ia == 1 && ib == 0) {
      const T s = pb[0];
      for (int64_t i = 0; i < len; ++i) po[i] = f(pa[i], s);
    } else {
      for (int64_t i = 0; i < len; ++i) po[i] = f(pa[i * ia], pb[i * ib]);
    }
  });
}

template <class T> T pow_of(T a, T b) {
  return static_cast<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
}
inline float pow_of(float a, float b) { return std::pow(a, b); }
inline double pow_of(double a, double b) { return std::pow(a, b); }

template <class T> void run_binary(BinaryFn k, const Tensor& a, const Tensor& b, Tensor& o) {
  // infer() admits no arithmetic on bools and division only on floats, so
  // those kernels are not instantiated.
  constexpr bool is_bool = std::is_same<T, bool>::value;
  switch (k) {
    case BinaryFn::Add:
      if constexpr (!is_bool) binary_loop<T, T>(a, b, o, [](T x, T y) { return static_cast<T>(x + y); });
      return;
    case BinaryFn::Sub:
      if constexpr (!is_bool) binary_loop<T, T>(a, b, o, [](T x, T y) { return static_cast<T>(x - y); });
      return;
    case BinaryFn::Mul:
      if constexpr (!is_bool) binary_loop<T, T>(a, b, o, [](T x, T y) { return static_cast<T>(x * y); });
      return;
    case BinaryFn::Div:
      if constexpr (std::is_floating_point<T>::value) binary_loop<T, T>(a, b, o, [](T x, T y) { return x / y; });
      return;
    case BinaryFn::Pow:
      if constexpr (!is_bool) binary_loop<T, T>(a, b, o, [](T x, T y) { return pow_of(x, y); });
      return;
    case BinaryFn::Maximum:  // NaN wins, as in numpy
      return binary_loop<T, T>(a, b, o, [](T x, T y) { return (x > y || x != x) ? x : y; });
    case BinaryFn::Minimum:
      return binary_loop<T, T>(a, b, o, [](T x, T y) { return (x < y || x != x) ? x : y; });
    case BinaryFn::Eq: return binary_loop<T, bool>(a, b, o, [](T x, T y) { return x == y; });
    case BinaryFn::Neq: return binary_loop<T, bool>(a, b, o, [](T x, T y) { return x != y; });
    case BinaryFn::Lt: return binary_loop<T, bool>(a, b, o, [](T x, T y) { return x < y; });
    case BinaryFn::Le: return binary_loop<T, bool>(a, b, o, [](T x, T y) { return x <= y; });
    case BinaryFn::Gt: return binary_loop<T, bool>(a, b, o, [](T x, T y) { return x > y; });
    case BinaryFn::Ge: return binary_loop<T, bool>(a, b, o, [](T x, T y) { return x >= y; });
    case BinaryFn::Count: return;
  }
}

}  // namespace

std::string BinaryOp::name() const { return bin_name(fn_); }

Type BinaryOp::infer(const InputInfos& in) const {
  const BinaryFn k_ = fn_;
  if (in.size() != 2) throw ValueError("expects 2 inputs, got " + std::to_string(in.size()));
  if (in[0].dtype != in[1].dtype)
    throw TypeError(std::string("operands have different dtypes ") + dtype_name(in[0].dtype) +
                    " and " + dtype_name(in[1].dtype) + " (cast one of them)");
  if (k_ == BinaryFn::Div && !is_float(in[0].dtype))
    throw TypeError(std::string("div needs float operands, got ") + dtype_name(in[0].dtype));
  if (k_ <= BinaryFn::Pow && in[0].dtype == DType::Bool)
    throw TypeError(std::string(bin_name(k_)) + " needs numbers, got bool (cast to int64)");
  Type out;
  out.dtype = is_comparison(k_) ? DType::Bool : in[0].dtype;
  if (!detail::broadcast_shapes(in[0].shape, in[1].shape, out.shape))
    detail::throw_broadcast_error(in[0].shape, in[1].shape);
  return out;
}

void BinaryOp::perform(const Tensor* const* in, int, Tensor& out) const {
  dispatch(in[0]->dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    run_binary<T>(fn_, *in[0], *in[1], out);
  });
}

std::vector<Var> BinaryOp::pullback(const std::vector<Var>& x, const Var& out, const Var& g) const {
  const Var& a = x[0];
  const Var& b = x[1];
  if (is_comparison(fn_) || !is_float(a.dtype())) return no_gradient(x);
  switch (fn_) {
    case BinaryFn::Add: return {sum_like(g, a), sum_like(g, b)};
    case BinaryFn::Sub: return {sum_like(g, a), sum_like(neg(g), b)};
    case BinaryFn::Mul: return {sum_like(mul(g, b), a), sum_like(mul(g, a), b)};
    case BinaryFn::Div:  // d(a/b)/db = -a/b^2 = -out/b
      return {sum_like(div(g, b), a), sum_like(neg(div(mul(g, out), b)), b)};
    case BinaryFn::Pow: {
      Var ga = mul(g, mul(b, pow(a, sub(b, literal(1.0, b)))));
      Var gb = mul(g, mul(out, log(a)));
      return {sum_like(ga, a), sum_like(gb, b)};
    }
    // The masks compare the output with b, not a: (a > b) == (max(a,b) > b) and
    // (a <= b) == (max(a,b) <= b) for every a and b, NaNs and signed zeros included,
    // so the gradient is the same bits, and a (relu's z = Wx + b) is read by nothing
    // but the max, which lets the elementwise fusion make z and relu(z) one loop.
    case BinaryFn::Maximum: {  // ties go to b, so relu'(0) = 0
      Var ma = cast(gt(out, b), g.dtype());
      Var mb = cast(le(out, b), g.dtype());
      return {sum_like(mul(g, ma), a), sum_like(mul(g, mb), b)};
    }
    case BinaryFn::Minimum: {  // the same with min: (a < b) == (min(a,b) < b)
      Var ma = cast(lt(out, b), g.dtype());
      Var mb = cast(ge(out, b), g.dtype());
      return {sum_like(mul(g, ma), a), sum_like(mul(g, mb), b)};
    }
    default: return no_gradient(x);
  }
}

namespace {

// where(cond, a, b): three-way broadcast.
Shape shape3(const Shape& c, const Shape& a, const Shape& b) {
  Shape ab, out;
  if (!detail::broadcast_shapes(a, b, ab) || !detail::broadcast_shapes(c, ab, out)) {
    const Shape* all[3] = {&c, &a, &b};
    throw ShapeError("cannot broadcast shapes " + detail::shapes_list(all, 3));
  }
  return out;
}

}  // namespace

Type WhereOp::infer(const InputInfos& in) const {
  if (in.size() != 3) throw ValueError("expects 3 inputs, got " + std::to_string(in.size()));
  if (in[0].dtype != DType::Bool)
    throw TypeError(std::string("the condition must be bool, got ") + dtype_name(in[0].dtype));
  if (in[1].dtype != in[2].dtype)
    throw TypeError(std::string("the branches have different dtypes ") + dtype_name(in[1].dtype) +
                    " and " + dtype_name(in[2].dtype) + " (cast one of them)");
  Type out;
  out.dtype = in[1].dtype;
  out.shape = shape3(in[0].shape, in[1].shape, in[2].shape);
  return out;
}

void WhereOp::perform(const Tensor* const* in, int, Tensor& out) const {
  dispatch(out.dtype(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const bool* c = in[0]->data<bool>();
    const T* a = in[1]->data<T>();
    const T* b = in[2]->data<T>();
    T* o = out.data<T>();
    const int64_t n = out.size();
    if (in[0]->size() == n && in[1]->size() == n && in[2]->size() == n) {
      for (int64_t i = 0; i < n; ++i) o[i] = c[i] ? a[i] : b[i];
      return;
    }
    int64_t so[Shape::kMaxRank], sc[Shape::kMaxRank], sa[Shape::kMaxRank], sb[Shape::kMaxRank];
    detail::contiguous_strides(out.shape(), so);
    detail::broadcast_strides(in[0]->shape(), out.shape(), sc);
    detail::broadcast_strides(in[1]->shape(), out.shape(), sa);
    detail::broadcast_strides(in[2]->shape(), out.shape(), sb);
    const int64_t* st[4] = {so, sc, sa, sb};
    detail::StridedLoop<4> loop(out.shape(), st);
    const int64_t ic = loop.inner_stride(1), ia = loop.inner_stride(2), ib = loop.inner_stride(3);
    loop.run([&](const int64_t* off, int64_t len) {
      T* po = o + off[0];
      const bool* pc = c + off[1];
      const T* pa = a + off[2];
      const T* pb = b + off[3];
      for (int64_t i = 0; i < len; ++i) po[i] = pc[i * ic] ? pa[i * ia] : pb[i * ib];
    });
  });
}

std::vector<Var> WhereOp::pullback(const std::vector<Var>& x, const Var& out, const Var& g) const {
  if (!is_float(out.dtype())) return no_gradient(x);
  Var zero = literal(0.0, g);
  return {Var(), sum_like(where(x[0], g, zero), x[1]), sum_like(where(x[0], zero, g), x[2])};
}

namespace {

// Kernels need one dtype: cast both operands to their promotion.
void unify(Var& a, Var& b, Loc loc) {
  if (a.dtype() == b.dtype()) return;
  const DType t = promote(a.dtype(), b.dtype());
  if (a.dtype() != t) a = cast(a, t, loc);
  if (b.dtype() != t) b = cast(b, t, loc);
}

// Arithmetic on bools counts them (numpy would or/and them): work in int64.
void bool_to_int(Var& a, Var& b, Loc loc) {
  if (a.dtype() == DType::Bool) a = cast(a, DType::Int64, loc);
  if (b.dtype() == DType::Bool) b = cast(b, DType::Int64, loc);
}

Var binary(BinaryFn k, Var a, Var b, Loc loc) {
  if (!a.defined() || !b.defined())
    throw ValueError(std::string("nabla: ") + bin_name(k) + ": an operand is an undefined Var\n" +
                     "  in the expression created at " + loc.str());
  if (k == BinaryFn::Add || k == BinaryFn::Sub || k == BinaryFn::Mul || k == BinaryFn::Pow) bool_to_int(a, b, loc);
  unify(a, b, loc);
  if (k == BinaryFn::Div && !is_float(a.dtype())) {  // true division
    a = cast(a, floatX, loc);
    b = cast(b, floatX, loc);
  }
  return apply(std::make_shared<BinaryOp>(k), {a, b}, loc);
}

}  // namespace

Var add(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Add, a, b, loc); }
Var sub(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Sub, a, b, loc); }
Var mul(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Mul, a, b, loc); }
Var div(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Div, a, b, loc); }
Var pow(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Pow, a, b, loc); }
Var maximum(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Maximum, a, b, loc); }
Var minimum(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Minimum, a, b, loc); }
Var eq(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Eq, a, b, loc); }
Var neq(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Neq, a, b, loc); }
Var lt(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Lt, a, b, loc); }
Var le(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Le, a, b, loc); }
Var gt(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Gt, a, b, loc); }
Var ge(const Var& a, const Var& b, Loc loc) { return binary(BinaryFn::Ge, a, b, loc); }

Var where(const Var& cond, const Var& a, const Var& b, Loc loc) {
  Var c = cond, x = a, y = b;
  if (c.defined() && c.dtype() != DType::Bool) c = cast(c, DType::Bool, loc);  // nonzero = true
  if (x.defined() && y.defined()) unify(x, y, loc);
  return apply(std::make_shared<WhereOp>(), {c, x, y}, loc);
}

// ---- flat kernels for the fused loop: same arithmetic as run_binary ------------------
namespace {
template <class T, class F> void flat(const T* a, const T* b, T* o, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) o[i] = f(a[i], b[i]);  // o may alias a or b: same index
}
#define NABLA_FLAT(NAME, EXPR) \
  template <class T> void NAME(const T* a, const T* b, T* o, int64_t n) { flat(a, b, o, n, [](T x, T y) { return EXPR; }); }
NABLA_FLAT(f_add, x + y)
NABLA_FLAT(f_sub, x - y)
NABLA_FLAT(f_mul, x * y)
NABLA_FLAT(f_div, x / y)
NABLA_FLAT(f_pow, pow_of(x, y))
NABLA_FLAT(f_maximum, (x > y || x != x) ? x : y)
NABLA_FLAT(f_minimum, (x < y || x != x) ? x : y)
NABLA_FLAT(f_eq, T(x == y))
NABLA_FLAT(f_neq, T(x != y))
NABLA_FLAT(f_lt, T(x < y))
NABLA_FLAT(f_le, T(x <= y))
NABLA_FLAT(f_gt, T(x > y))
NABLA_FLAT(f_ge, T(x >= y))
#undef NABLA_FLAT

template <class T> BinaryKernel<T> flat_kernel(BinaryFn fn) {
  static const BinaryKernel<T> table[] = {f_add<T>, f_sub<T>, f_mul<T>, f_div<T>, f_pow<T>, f_maximum<T>, f_minimum<T>,
                                          f_eq<T>,  f_neq<T>, f_lt<T>,  f_le<T>,  f_gt<T>,  f_ge<T>};
  static_assert(sizeof(table) / sizeof(table[0]) == size_t(BinaryFn::Count), "one flat kernel per BinaryFn");
  return table[size_t(fn)];
}
}  // namespace

template <> BinaryKernel<float> binary_kernel<float>(BinaryFn fn) { return flat_kernel<float>(fn); }
template <> BinaryKernel<double> binary_kernel<double>(BinaryFn fn) { return flat_kernel<double>(fn); }

namespace detail {
void register_binary_ops() {
  const char* docs[] = {"a + b", "a - b", "a * b", "a / b (true division; ints become floatX)",
                        "a ** b", "larger of a and b", "smaller of a and b", "a == b (bool)",
                        "a != b (bool)", "a < b (bool)", "a <= b (bool)", "a > b (bool)",
                        "a >= b (bool)"};
  auto make_binary = [](const OpParams& p) -> std::shared_ptr<const Op> {
    for (int k = 0; k <= int(BinaryFn::Ge); ++k)
      if (p.op() == bin_name(BinaryFn(k))) return std::make_shared<BinaryOp>(BinaryFn(k));
    p.fail("not a binary elementwise op");
  };
  for (int k = 0; k <= int(BinaryFn::Ge); ++k)
    register_op({bin_name(BinaryFn(k)), "elementwise", std::string(docs[k]) + ", numpy broadcasting", make_binary});
  register_op({"where", "elementwise", "where(cond, a, b): a where cond is true, else b (broadcasting)",
               [](const OpParams&) -> std::shared_ptr<const Op> { return std::make_shared<WhereOp>(); }});
}
}  // namespace detail

}  // namespace nabla
