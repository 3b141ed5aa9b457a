// Specialize: a conv gradient whose output gradient is max pooling's gradient
// (the backward of conv2d followed by pool_2d, network3's ConvPoolLayer)
// becomes one op that makes each image's max_pool_grad in cache and uses it
// there (ops/conv.cpp's ConvPooledGradOp):
//   conv2d_grad_input(max_pool_grad(c, gz), f)     -> conv2d_grad_input_pooled(c, gz, f)
//   conv2d_grad_filters(x, max_pool_grad(c, gz))   -> conv2d_grad_filters_pooled(x, c, gz)
// When both gradients read the same max_pool_grad (a second conv layer), each
// makes it per image; the pooled gradient is never written out whole.
#include "core/registry.hpp"
#include "ops/api.hpp"
#include "ops/conv_ops.hpp"
#include "ops/pool_ops.hpp"

namespace nabla {

namespace {

const MaxPoolFamilyOp* as_max_pool_grad(const Var& v) {
  const MaxPoolFamilyOp* op = op_as<MaxPoolFamilyOp>(v);
  return op && op->kind() == PoolKind::Grad ? op : nullptr;
}

Var conv_grad_of_pool_grad(const Var& v) {
  const ConvFamilyOp* conv = op_as<ConvFamilyOp>(v);
  if (!conv || conv->kind() == ConvKind::Forward) return Var();
  const bool grad_input = conv->kind() == ConvKind::GradInput;
  const Var& gy = v.inputs()[grad_input ? 0 : 1];
  const MaxPoolFamilyOp* pool = as_max_pool_grad(gy);
  if (!pool) return Var();
  const Var &c = gy.inputs()[0], &gz = gy.inputs()[1];
  const PoolWindow& w = pool->window();
  const std::vector<int> ws{int(w.wh), int(w.ww)};
  if (grad_input) return conv2d_grad_input_pooled(c, gz, v.inputs()[1], ws, w.ignore_border, conv->flip(), v.loc());
  return conv2d_grad_filters_pooled(v.inputs()[0], c, gz, ws, w.ignore_border, conv->flip(), v.loc());
}

}  // namespace

void register_conv_rewrites() {
  register_rewrite(node_rewriter<ConvFamilyOp>(Phase::Specialize, "conv_grad_of_pool_grad", conv_grad_of_pool_grad));
}

}  // namespace nabla
