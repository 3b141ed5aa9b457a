// gemm_acc: out = c + alpha * op(a) @ op(b), one BLAS call with beta = 1; with a
// fifth input beta, out = beta * c + alpha * op(a) @ op(b) (an L2-decayed weight
// update in one GEMM, written into the weights).
#include <xtensor-blas/xlinalg.hpp>  // declares cblas_sgemm / cblas_dgemm
#include "ops/gemm_split.hpp"

#include <cstring>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/blas_ops.hpp"
#include "ops/gemm_acc.hpp"

namespace nabla {

namespace {

Shape product_shape(const Shape& a, const Shape& b, bool ta, bool tb) {
  return Shape{a[ta ? 1 : 0], b[tb ? 0 : 1]};
}

class GemmAccKernel final : public GemmAccOp {
 public:
  GemmAccKernel(bool ta, bool tb) : GemmAccOp(ta, tb) {}
  std::string name() const override { return "gemm_acc"; }
  int inplace_input() const override { return 0; }  // c: the update of a weight matrix
  std::string params() const override {
    return std::string("trans_a=") + (trans_a() ? "1" : "0") + ",trans_b=" + (trans_b() ? "1" : "0");
  }
  Type infer(const InputInfos& in) const override {
    if (in.size() != 4 && in.size() != 5)
      throw ValueError("gemm_acc takes c, alpha, a, b and optionally beta; got " + std::to_string(in.size()) +
                       " inputs");
    if (in.size() == 5 && (in[4].rank() != 0 || in[4].dtype != in[0].dtype))
      throw TypeError("gemm_acc's beta must be a scalar of c's dtype, got " + in[4].str());
    const Type &c = in[0], &alpha = in[1], &a = in[2], &b = in[3];
    if (c.rank() != 2 || a.rank() != 2 || b.rank() != 2 || alpha.rank() != 0)
      throw ShapeError("gemm_acc needs a matrix c, a scalar alpha and matrices a, b; got " + c.shape.str() +
                       ", " + alpha.shape.str() + ", " + a.shape.str() + ", " + b.shape.str());
    if (!is_float(c.dtype) || c.dtype != a.dtype || c.dtype != b.dtype || c.dtype != alpha.dtype)
      throw TypeError("gemm_acc needs one float dtype for all inputs");
    const int64_t ka = a.shape[trans_a() ? 0 : 1], kb = b.shape[trans_b() ? 1 : 0];
    if (ka >= 0 && kb >= 0 && ka != kb)
      throw ShapeError("shapes " + a.shape.str() + " and " + b.shape.str() + " are not aligned");
    const Shape p = product_shape(a.shape, b.shape, trans_a(), trans_b());
    for (int d = 0; d < 2; ++d)
      if (p[d] >= 0 && c.shape[d] >= 0 && p[d] != c.shape[d] && p[d] != 1)
        throw ShapeError("the product " + p.str() + " does not fit c " + c.shape.str());
    return c;
  }
  void perform(const Tensor* const* in, int n_in, Tensor& out) const override {
    const Tensor &c = *in[0], &a = *in[2], &b = *in[3];
    const double beta = n_in == 5 ? in[4]->at(0) : 1.0;
    const Shape p = product_shape(a.shape(), b.shape(), trans_a(), trans_b());
    if (out.raw() != c.raw()) std::memcpy(out.raw(), c.raw(), c.nbytes());
    if (p == c.shape()) return gemm(in, out, beta);
    if (beta != 1.0)
      dispatch_float(out.dtype(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* o = out.data<T>();
        for (int64_t i = 0; i < out.size(); ++i) o[i] = T(o[i] * beta);
      });
    // Rare: a one-row or one-column product broadcast over c.
    Tensor prod(out.dtype(), p);
    gemm(in, prod, 0.0);
    const int64_t R = out.shape()[0], C = out.shape()[1];
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* q = prod.data<T>();
      T* o = out.data<T>();
      for (int64_t r = 0; r < R; ++r)
        for (int64_t k = 0; k < C; ++k) o[r * C + k] += q[(p[0] == 1 ? 0 : r) * p[1] + (p[1] == 1 ? 0 : k)];
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    const Var &alpha = inputs[1], &a = inputs[2], &b = inputs[3];
    const Var prod = matmul(a, b, trans_a(), trans_b());
    // The product may have broadcast over c: sum the gradient back to its shape.
    const Var gp = sum_like(g, prod);
    const Var ga = mul(alpha, gp);
    std::vector<Var> grads_ab;
    if (!trans_a() && !trans_b()) grads_ab = {matmul(ga, b, false, true), matmul(a, ga, true, false)};
    else if (trans_a() && !trans_b()) grads_ab = {matmul(b, ga, false, true), matmul(a, ga, false, false)};
    else if (!trans_a() && trans_b()) grads_ab = {matmul(ga, b, false, false), matmul(ga, a, true, false)};
    else grads_ab = {matmul(b, ga, true, true), matmul(ga, a, true, true)};
    if (inputs.size() == 5) {  // out = beta * c + ...: c's gradient scales, beta's is <g, c>
      const Var& beta = inputs[4];
      return {mul(beta, g), sum(mul(gp, prod)), grads_ab[0], grads_ab[1], sum(mul(g, inputs[0]))};
    }
    return {g, sum(mul(gp, prod)), grads_ab[0], grads_ab[1]};
  }

 private:
  // dst = alpha * op(a) @ op(b) + beta * dst, dst shaped like the product.
  void gemm(const Tensor* const* in, Tensor& dst, double beta) const {
    const Tensor &a = *in[2], &b = *in[3];
    const int64_t M = a.shape()[trans_a() ? 1 : 0], N = b.shape()[trans_b() ? 0 : 1], K = a.shape()[trans_a() ? 0 : 1];
    if (M == 0 || N == 0) return;
    if (K == 0) {
      if (beta == 0.0) std::memset(dst.raw(), 0, dst.nbytes());
      return;
    }
    const int64_t lda = a.shape()[1], ldb = b.shape()[1];
    if (dst.dtype() == DType::Float32)
      split_gemm(trans_a(), trans_b(), M, N, K, in[1]->data<float>()[0], a.data<float>(), lda, b.data<float>(), ldb,
                 float(beta), dst.data<float>());
    else
      split_gemm(trans_a(), trans_b(), M, N, K, in[1]->data<double>()[0], a.data<double>(), lda, b.data<double>(),
                 ldb, beta, dst.data<double>());
  }
};

}  // namespace

Var gemm_acc(const Var& c, const Var& alpha, const Var& a, const Var& b, bool trans_a, bool trans_b, Loc loc) {
  return apply(std::make_shared<GemmAccKernel>(trans_a, trans_b), {c, alpha, a, b}, loc);
}

Var gemm_acc_scaled(const Var& c, const Var& beta, const Var& alpha, const Var& a, const Var& b, bool trans_a,
                    bool trans_b, Loc loc) {
  return apply(std::make_shared<GemmAccKernel>(trans_a, trans_b), {c, alpha, a, b, beta}, loc);
}

void register_gemm_acc_op() {
  register_op({"gemm_acc", "blas",
               "c + alpha * op(a) @ op(b), or beta * c + alpha * op(a) @ op(b), in one GEMM (SGD-style updates)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<GemmAccKernel>(p.flag("trans_a"), p.flag("trans_b"));
               }});
}

}  // namespace nabla
