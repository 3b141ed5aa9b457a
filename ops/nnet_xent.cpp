// Fused softmax cross-entropy on integer labels, the op the stabilize_xent
// rewrite puts in place of -log(softmax(z))[arange(n), y]:
//   softmax_xent(z, y)[i]         = logsumexp(z[i]) - z[i, y[i]]   (never log(0))
//   softmax_xent_grad(z, y, g)[i] = g[i] * (softmax(z[i]) - onehot(y[i]))
// Labels are class indices in [0, k): anything else is an IndexError naming
// the label and its position. Only the fused form the rewrite makes of
// take2d(log_softmax(z), arange(n), y) counts negative labels from the end,
// as that numpy-style indexing does (so every compile mode agrees).
// class_labels(y, z, what) passes y through (a view) after checking it holds
// class indices of z's rows: categorical_crossentropy and log_likelihood_cost
// put it in front of their indexing, so a label -1 is refused, not wrapped.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/dispatch.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "core/run_errors.hpp"
#include "ops/api.hpp"
#include "ops/nnet_ops.hpp"

namespace nabla {

namespace {

void check_logits_labels(const Type& z, const Type& y) {
  if (!is_float(z.dtype) || z.rank() != 2)
    throw TypeError("z must be a float matrix (rows, classes), got " + z.str());
  if (!is_integer(y.dtype) || y.rank() != 1)
    throw TypeError("labels must be an integer vector, got " + y.str());
  if (z.shape[0] >= 0 && y.shape[0] >= 0 && z.shape[0] != y.shape[0])
    throw ShapeError("z of shape " + z.shape.str() + " and labels of shape " + y.shape.str() +
                     " must have one label per row");
}

// The column of row i's label, checked against k classes (negative from the
// end only when `wrap`).
int64_t label_col(const Tensor& y, int64_t i, int64_t k, bool wrap) {
  const int64_t c = y.iat(i), cc = wrap && c < 0 ? c + k : c;
  if (cc < 0 || cc >= k)
    throw IndexError("label " + std::to_string(c) + " at position " + std::to_string(i) + " (labels[" +
                     std::to_string(i) + "]) is out of range for " + std::to_string(k) +
                     " classes (labels must be in [0, " + std::to_string(k) + "))");
  return cc;
}

class ClassLabelsKernel final : public ClassLabelsOp {
 public:
  explicit ClassLabelsKernel(std::string what) : what_(std::move(what)) {}
  std::string name() const override { return "class_labels"; }
  std::string params() const override { return what_; }
  Type infer(const InputInfos& in) const override {
    check_logits_labels(in[1], in[0]);
    return Type{in[0].dtype, in[0].shape};
  }
  void perform(const Tensor* const* in, int n, Tensor& out) const override {
    check(in);
    if (out.nbytes()) std::memcpy(out.raw(), in[0]->raw(), out.nbytes());
  }
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int, Tensor& out) const override {
    check(in);
    out = in[0]->view(out.shape());
    return true;
  }
  bool reads_input_values(int k) const override { return k == 0; }
  std::vector<Var> pullback(const std::vector<Var>&, const Var&, const Var&) const override {
    return {Var(), Var()};  // labels and a shape: nothing to differentiate
  }

 private:
  void check(const Tensor* const* in) const {
    const int64_t n = in[0]->shape()[0], k = in[1]->shape()[1];
    for (int64_t i = 0; i < n; ++i) label_col(*in[0], i, k, false);
  }
  std::string what_;
};

template <class T>
T row_logsumexp(const T* z, int64_t k) {
  const T m = *std::max_element(z, z + k);
  T s = 0;
  for (int64_t j = 0; j < k; ++j) s += std::exp(z[j] - m);
  return m + std::log(s);
}

class SoftmaxXentKernel final : public SoftmaxXentOp {
 public:
  explicit SoftmaxXentKernel(bool wrap) : wrap_(wrap) {}
  std::string name() const override { return "softmax_xent"; }
  std::string params() const override { return wrap_ ? "negative labels from the end" : ""; }
  Type infer(const InputInfos& in) const override {
    check_logits_labels(in[0], in[1]);
    return Type{in[0].dtype, Shape{in[0].shape[0] >= 0 ? in[0].shape[0] : in[1].shape[0]}};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t n = in[0]->shape()[0], k = in[0]->shape()[1];
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* z = in[0]->data<T>();
      T* o = out.data<T>();
      for (int64_t i = 0; i < n; ++i) {
        const T* zr = z + i * k;
        const int64_t c = label_col(*in[1], i, k, wrap_);  // checked even when k == 0 (always throws)
        o[i] = row_logsumexp(zr, k) - zr[c];
      }
    });
  }
  std::vector<Var> pullback(const std::vector<Var>& in, const Var&, const Var& g) const override {
    return {wrap_ ? softmax_xent_grad_indexing(in[0], in[1], g, Loc::current()) : softmax_xent_grad(in[0], in[1], g), Var()};
  }

 private:
  bool wrap_;
};

class SoftmaxXentGradKernel final : public SoftmaxXentGradOp {
 public:
  explicit SoftmaxXentGradKernel(bool wrap) : wrap_(wrap) {}
  std::string name() const override { return "softmax_xent_grad"; }
  std::string params() const override { return wrap_ ? "negative labels from the end" : ""; }
  Type infer(const InputInfos& in) const override {
    check_logits_labels(in[0], in[1]);
    const Type &z = in[0], &g = in[2];
    if (g.dtype != z.dtype || g.rank() != 1 || (g.shape[0] >= 0 && z.shape[0] >= 0 && g.shape[0] != z.shape[0]))
      throw ShapeError("g must be a vector of " + std::string(dtype_name(z.dtype)) +
                       " with one value per row of z " + z.shape.str() + ", got " + g.str());
    return Type{z.dtype, z.shape};
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    const int64_t n = in[0]->shape()[0], k = in[0]->shape()[1];
    dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* z = in[0]->data<T>();
      const T* g = in[2]->data<T>();
      T* o = out.data<T>();
      for (int64_t i = 0; i < n; ++i) {
        const T* zr = z + i * k;
        T* orow = o + i * k;
        const int64_t c = label_col(*in[1], i, k, wrap_);
        const T lse = row_logsumexp(zr, k);
        for (int64_t j = 0; j < k; ++j) orow[j] = g[i] * std::exp(zr[j] - lse);
        orow[c] -= g[i];
      }
    });
  }
  // out = g[:,None] * (s - onehot), s = softmax(z). With upstream H:
  //   dz = g[:,None] * (H - sum(H*s, -1)) * s     (the softmax Jacobian)
  //   dg = sum(H*s, -1) - H[arange(n), y]
  std::vector<Var> pullback(const std::vector<Var>& in, const Var&, const Var& H) const override {
    const Var &z = in[0], &y = in[1], &g = in[2];
    const Var s = softmax(z);
    const Var hs = sum(H * s, Axes(-1), true);
    const Var dz = (H - hs) * s * dimshuffle(g, {0, bcast});
    const Var dg = sum(H * s, Axes(-1)) - take2d(H, arange(Dim(shape_i(z, 0))), y);
    return {dz, Var(), dg};
  }

 private:
  bool wrap_;
};

Var float_logits(const Var& z, Loc loc) {
  return z.defined() && !is_float(z.dtype()) ? cast(z, floatX, loc) : z;
}

}  // namespace

namespace {
Var xent(const Var& z, const Var& labels, Loc loc, bool negative_from_end) {
  return apply(std::make_shared<SoftmaxXentKernel>(negative_from_end), {float_logits(z, loc), labels}, loc);
}
Var xent_grad(const Var& z, const Var& labels, const Var& gout, Loc loc, bool negative_from_end) {
  const Var zz = float_logits(z, loc);
  const Var g = zz.defined() && gout.defined() && gout.dtype() != zz.dtype() ? cast(gout, zz.dtype(), loc) : gout;
  return apply(std::make_shared<SoftmaxXentGradKernel>(negative_from_end), {zz, labels, g}, loc);
}
}  // namespace

Var softmax_xent(const Var& z, const Var& labels, Loc loc) { return xent(z, labels, loc, false); }
Var softmax_xent_indexing(const Var& z, const Var& labels, Loc loc) { return xent(z, labels, loc, true); }
Var softmax_xent_grad(const Var& z, const Var& labels, const Var& gout, Loc loc) {
  return xent_grad(z, labels, gout, loc, false);
}
Var softmax_xent_grad_indexing(const Var& z, const Var& labels, const Var& gout, Loc loc) {
  return xent_grad(z, labels, gout, loc, true);
}

Var class_labels(const Var& labels, const Var& z, const std::string& what, Loc loc) {
  return apply(std::make_shared<ClassLabelsKernel>(what), {labels, z}, loc);
}

void register_xent_ops() {
  // Their params are free text ("negative labels from the end", the op a check
  // belongs to), so the factories read the text as it is.
  register_op({"softmax_xent", "nnet", "-log(softmax(z))[i, y[i]] per row, computed stably",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<SoftmaxXentKernel>(!p.text().empty());
               }});
  register_op({"class_labels", "nnet", "labels unchanged, after checking each is a class index of z's rows",
               [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<ClassLabelsKernel>(p.text()); }});
  register_op({"softmax_xent_grad", "nnet", "g[:,None] * (softmax(z) - onehot(y)): softmax_xent's gradient",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<SoftmaxXentGradKernel>(!p.text().empty());
               }});
}

}  // namespace nabla
