// Constant folding: a node whose inputs are all constants becomes a constant.
// Generic (it runs the node's own kernel), so it lives in core and knows no op.
#include "core/op.hpp"
#include "core/registry.hpp"
#include "core/runtime.hpp"

namespace nabla {

namespace {

constexpr int64_t kMaxFoldedElements = 1 << 20;

// A node whose inputs are all constants becomes a constant.
Var fold_constants(const Var& v) {
  if (v.op()->is_random()) return Var();
  std::vector<const Tensor*> ins;
  for (const Var& in : v.inputs()) {
    if (in.role() != Role::Constant) return Var();
    ins.push_back(&in.value_ref());
  }
  if (v.shape().known() && v.shape().numel() > kMaxFoldedElements) return Var();
  Tensor value = run_op(v, ins.data(), int(ins.size()));
  if (value.size() > kMaxFoldedElements) return Var();
  return constant(value, v.name(), v.loc());
}

}  // namespace

void register_core_rewrites() {
  register_rewrite(NodeRewrite{"constant_fold", Phase::Canonicalize, {}, fold_constants});
}

}  // namespace nabla
