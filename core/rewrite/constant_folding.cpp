// Constant folding: a node whose inputs are all constants becomes a constant.
// Generic (it runs the node's own kernel), so it lives in core and knows no op.
#include "core/op.hpp"
#include "core/registry.hpp"
#include "core/runtime.hpp"

namespace nabla {

namespace {

constexpr int64_t kMaxFoldedElements = 1 << 20;

// A node whose inputs are all constants becomes a constant; an input whose
// elements the op never reads (Op::reads_input_values) only needs a static shape,
// so fill_like(x, 1) of a static x folds, and with it the cost's seed gradient.
Var fold_constants(const Var& v) {
  if (v.op()->is_random()) return Var();
  const std::vector<Var>& inputs = v.inputs();
  std::vector<Tensor> shape_only(inputs.size());
  std::vector<const Tensor*> ins;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Var& in = inputs[k];
    if (in.role() == Role::Constant) {
      ins.push_back(&in.value_ref());
    } else if (!v.op()->reads_input_values(int(k)) && in.shape().known()) {
      shape_only[k].bind(nullptr, in.dtype(), in.shape());  // a shape and no data
      ins.push_back(&shape_only[k]);
    } else {
      return Var();
    }
  }
  if (v.shape().known() && v.shape().numel() > kMaxFoldedElements) return Var();
  Tensor value = run_op(v, ins.data(), int(ins.size()));
  if (value.size() > kMaxFoldedElements) return Var();
  return constant(value, v.name(), v.loc());
}

}  // namespace

void register_core_rewrites() {
  NodeRewrite fold{"constant_fold", Phase::Canonicalize, {}, fold_constants};
  fold.every_phase = true;
  register_rewrite(fold);
}

}  // namespace nabla
