// Ops that change only what grad() sees: the value passes through, the gradient
// does not (Theano's theano.gradient.zero_grad and disconnected_grad).
//   zero_grad(x)          x; its gradient is zero (the cost treats x as a constant)
//   disconnected_grad(x)  x; no gradient flows (grad() then calls x disconnected)
// Both are gone after compiling: the canonicalize phase replaces each by its input.
#include "core/op.hpp"
#include "core/registry.hpp"
#include "core/rewrite/node_rewrite.hpp"
#include "ops/api.hpp"

namespace nabla {

namespace {

class GradientStopOp final : public Op {
 public:
  explicit GradientStopOp(bool disconnected) : disconnected_(disconnected) {}
  std::string name() const override { return disconnected_ ? "disconnected_grad" : "zero_grad"; }
  Type infer(const InputInfos& in) const override { return in[0]; }
  void perform(const Tensor* const* in, int, Tensor& out) const override { out.copy_from(*in[0]); }
  int view_input() const override { return 0; }
  bool make_view(const Tensor* const* in, int, Tensor& out) const override {
    out = *in[0];
    return true;
  }
  std::vector<Var> pullback(const std::vector<Var>& inputs, const Var&, const Var& g) const override {
    if (disconnected_) return no_gradient(inputs);
    return {zeros_like(inputs[0], g.loc())};
  }

 private:
  bool disconnected_;
};

Var pass_through(const Var& v) { return v.inputs()[0]; }

}  // namespace

Var zero_grad(const Var& x, Loc loc) { return apply(std::make_shared<GradientStopOp>(false), {x}, loc); }
Var disconnected_grad(const Var& x, Loc loc) { return apply(std::make_shared<GradientStopOp>(true), {x}, loc); }

void register_gradient_stop_ops() {
  auto make = [](const OpParams& p) -> std::shared_ptr<const Op> { return std::make_shared<GradientStopOp>(p.op() == "disconnected_grad"); };
  register_op({"zero_grad", "gradient", "x unchanged; grad() gives it a zero gradient (a constant to the cost)", make});
  register_op({"disconnected_grad", "gradient", "x unchanged; no gradient flows through it", make});
  register_rewrite(node_rewriter<GradientStopOp>(Phase::Canonicalize, "gradient_stop_removal", pass_through));
}

}  // namespace nabla
