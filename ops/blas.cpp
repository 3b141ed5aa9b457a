// matmul: op(a) @ op(b) with transpose flags, so gradients never copy a
// transpose; dot (numpy's 1-D/2-D dot) is a composition over it.
#include <xtensor-blas/xlinalg.hpp>  // declares cblas_sgemm / cblas_dgemm (no <cblas.h>: TOOLCHAIN.md §2)
#include "ops/gemm_split.hpp"

#include <cstring>
#include <type_traits>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/blas_ops.hpp"

namespace nabla {

namespace {

// Which dims of the stored operands meet in the product, for error messages.
std::string align_message(const Shape& a, const Shape& b, bool ta, bool tb) {
  const int ka = ta ? 0 : 1, kb = tb ? 1 : 0;
  std::string s = "shapes " + a.str() + " and " + b.str();
  if (ta || tb)
    s += std::string(" (with ") + (ta ? "a transposed" : "") + (ta && tb ? ", " : "") +
         (tb ? "b transposed" : "") + ")";
  return s + " are not aligned: dim " + std::to_string(ka) + " of the first (" +
         std::to_string(a[ka]) + ") must equal dim " + std::to_string(kb) + " of the second (" +
         std::to_string(b[kb]) + ")";
}

template <class T>
void gemm_loop(const T* a, const T* b, T* c, int64_t M, int64_t N, int64_t K, bool ta, bool tb,
               int64_t lda, int64_t ldb) {
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      T acc = T(0);
      for (int64_t p = 0; p < K; ++p) {
        const T x = ta ? a[p * lda + i] : a[i * lda + p];
        const T y = tb ? b[j * ldb + p] : b[p * ldb + j];
        if constexpr (std::is_same<T, bool>::value) acc = acc || (x && y);
        else acc += x * y;
      }
      c[i * N + j] = acc;
    }
}

class MatmulKernel final : public MatmulOp {
 public:
  MatmulKernel(bool ta, bool tb) : MatmulOp(ta, tb) {}
  std::string name() const override { return "matmul"; }
  std::string params() const override {
    return std::string("trans_a=") + (trans_a() ? "1" : "0") + ",trans_b=" + (trans_b() ? "1" : "0");
  }
  Type infer(const InputInfos& in) const override {
    const Shape &a = in[0].shape, &b = in[1].shape;
    if (a.rank() != 2 || b.rank() != 2)
      throw ShapeError("matmul needs two matrices, got shapes " + a.str() + " and " + b.str() +
                       " (use dot for vectors)");
    if (in[0].dtype != in[1].dtype)
      throw TypeError(std::string("dtypes ") + dtype_name(in[0].dtype) + " and " +
                      dtype_name(in[1].dtype) + " differ");
    const int64_t ka = a[trans_a() ? 0 : 1], kb = b[trans_b() ? 1 : 0];
    if (ka >= 0 && kb >= 0 && ka != kb) throw ShapeError(align_message(a, b, trans_a(), trans_b()));
    return Type{in[0].dtype, Shape{a[trans_a() ? 1 : 0], b[trans_b() ? 0 : 1]}};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const Shape &as = in[0]->shape(), &bs = in[1]->shape();
    const int64_t M = as[trans_a() ? 1 : 0], K = as[trans_a() ? 0 : 1], N = bs[trans_b() ? 0 : 1];
    const int64_t lda = as[1], ldb = bs[1];
    if (M == 0 || N == 0) return;
    if (K == 0) {
      std::memset(out.raw(), 0, out.nbytes());
      return;
    }
    switch (out.dtype()) {
      case DType::Float32:
        split_gemm(trans_a(), trans_b(), M, N, K, 1.0f, in[0]->data<float>(), lda, in[1]->data<float>(), ldb, 0.0f,
                   out.data<float>());
        return;
      case DType::Float64:
        split_gemm(trans_a(), trans_b(), M, N, K, 1.0, in[0]->data<double>(), lda, in[1]->data<double>(), ldb, 0.0,
                   out.data<double>());
        return;
      default:
        dispatch(out.dtype(), [&](auto tag) {
          using T = typename decltype(tag)::type;
          gemm_loop<T>(in[0]->data<T>(), in[1]->data<T>(), out.data<T>(), M, N, K, trans_a(), trans_b(), lda, ldb);
        });
    }
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    const Var &A = inputs[0], &B = inputs[1];
    if (!trans_a() && !trans_b()) return {matmul(g, B, false, true), matmul(A, g, true, false)};
    if (trans_a() && !trans_b()) return {matmul(B, g, false, true), matmul(A, g, false, false)};
    if (!trans_a() && trans_b()) return {matmul(g, B, false, false), matmul(g, A, true, false)};
    return {matmul(B, g, true, true), matmul(g, A, true, true)};
  }
};

}  // namespace

Var matmul(const Var& a, const Var& b, bool trans_a, bool trans_b, Loc loc) {
  Var x = a, y = b;
  if (a.defined() && b.defined() && a.dtype() != b.dtype()) {
    const DType t = promote(a.dtype(), b.dtype());
    if (x.dtype() != t) x = cast(x, t, loc);
    if (y.dtype() != t) y = cast(y, t, loc);
  }
  return apply(std::make_shared<MatmulKernel>(trans_a, trans_b), {x, y}, loc);
}

Var dot(const Var& a, const Var& b, Loc loc) {
  if (!a.defined() || !b.defined())
    throw ValueError("nabla: dot: an operand is an undefined Var\n  in the expression created at " +
                     loc.str());
  const int ra = a.rank(), rb = b.rank();
  auto fail = [&](const std::string& why) {
    throw ShapeError("nabla: dot: shapes " + a.shape().str() + " and " + b.shape().str() + " " + why +
                     "\n  inputs: " + a.type().str() + " " + a.label() + ", " + b.type().str() + " " +
                     b.label() + "\n  in the expression created at " + loc.str());
  };
  if (ra < 1 || ra > 2 || rb < 1 || rb > 2)
    fail("are not supported: dot takes 1-D and 2-D operands");
  // The dims that meet: the last of a and the first of b.
  const int64_t ka = a.shape()[ra - 1], kb = b.shape()[0];
  if (ka >= 0 && kb >= 0 && ka != kb)
    fail("are not aligned: dim " + std::to_string(ra - 1) + " of the first (" + std::to_string(ka) +
         ") must equal dim 0 of the second (" + std::to_string(kb) + ")");
  if (ra == 2 && rb == 2) return matmul(a, b, false, false, loc);
  const Var A = ra == 1 ? dimshuffle(a, {bcast, 0}, loc) : a;  // (1,n)
  const Var B = rb == 1 ? dimshuffle(b, {0, bcast}, loc) : b;  // (n,1)
  const Var C = matmul(A, B, false, false, loc);
  if (ra == 1 && rb == 1) return dimshuffle(C, {}, loc);
  if (ra == 1) return dimshuffle(C, {1}, loc);
  return dimshuffle(C, {0}, loc);
}

void register_gemm_acc_op();   // ops/gemm_acc.cpp
void register_blas_rewrites();  // ops/blas_rewrites.cpp

void register_blas_ops() {
  register_op({"matmul", "blas", "op(a) @ op(b) for matrices, op = optional transpose (one GEMM)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<MatmulKernel>(p.flag("trans_a"), p.flag("trans_b"));
               }});
  register_gemm_acc_op();
  register_blas_rewrites();
}

}  // namespace nabla
