// Specialize: a conv gradient whose output gradient is max pooling's gradient
// (the backward of conv2d followed by pool_2d, network3's ConvPoolLayer)
// becomes one op that makes each image's max_pool_grad in cache and uses it
// there (ops/conv.cpp's ConvPooledGradOp):
//   conv2d_grad_input(max_pool_grad(c, gz), f)     -> conv2d_grad_input_pooled(c, gz, f)
//   conv2d_grad_filters(x, max_pool_grad(c, gz))   -> conv2d_grad_filters_pooled(x, c, gz)
// When both gradients read the same max_pool_grad (a second conv layer), each
// makes it per image; the pooled gradient is never written out whole.
//
// Fuse: pool_2d(conv2d(x, f)) and that conv2d become the two pieces of one
// conv2d_pool(x, f), which pools each image's maps right after computing them,
// while they are in cache, and splits the pool over threads with the conv.
// Runs after Specialize, so the fused gradients above read the conv piece.
#include <unordered_map>

#include "core/graph.hpp"
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

const MaxPoolFamilyOp* as_pool_of_conv(const Var& v) {
  const MaxPoolFamilyOp* pool = op_as<MaxPoolFamilyOp>(v);
  if (!pool || pool->kind() != PoolKind::Max) return nullptr;
  const ConvFamilyOp* conv = op_as<ConvFamilyOp>(v.inputs()[0]);
  return conv && conv->kind() == ConvKind::Forward ? pool : nullptr;
}

std::vector<Var> fuse_conv_pool(const std::vector<Var>& roots, int& fired) {
  const std::vector<Var> order = topo_sort(roots);
  // Each conv2d read by a pool_2d gets one bundle, with the first such pool's window.
  std::unordered_map<const VarImpl*, const MaxPoolFamilyOp*> pool_of_conv;
  for (const Var& v : order)
    if (const MaxPoolFamilyOp* pool = as_pool_of_conv(v)) pool_of_conv.emplace(v.inputs()[0].impl(), pool);
  if (pool_of_conv.empty()) return roots;
  VarMemo memo;
  std::unordered_map<const VarImpl*, Var> bundle_of_conv;  // old conv node -> its bundle
  for (const Var& v : order) {
    if (v.is_leaf()) {
      memo[v.impl()] = v;
      continue;
    }
    auto conv = pool_of_conv.find(v.impl());
    const MaxPoolFamilyOp* pool = as_pool_of_conv(v);
    // (another pool of the same maps with another window reads the conv piece)
    const bool fused_pool = pool && pool->params() == pool_of_conv.at(v.inputs()[0].impl())->params();
    if (conv == pool_of_conv.end() && !fused_pool) {
      memo[v.impl()] = rebuilt_over(v, memo);
      continue;
    }
    const Var& c = conv != pool_of_conv.end() ? v : v.inputs()[0];  // the conv2d node
    const PoolWindow& w = pool_of_conv.at(c.impl())->window();
    const std::vector<int> ws{int(w.wh), int(w.ww)};
    const bool flip = op_as<ConvFamilyOp>(c)->flip();
    const Var x = memo.at(c.inputs()[0].impl()), f = memo.at(c.inputs()[1].impl());
    auto b = bundle_of_conv.find(c.impl());
    if (b == bundle_of_conv.end())
      b = bundle_of_conv.emplace(c.impl(), conv2d_pool_bundle(x, f, ws, w.ignore_border, flip, c.loc())).first;
    Var piece = conv2d_pool_piece(b->second, x, f, fused_pool, ws, w.ignore_border, flip, v.loc());
    if (!v.name().empty()) piece.set_name(v.name());
    memo[v.impl()] = piece;
    fired += fused_pool;
  }
  std::vector<Var> out;
  for (const Var& r : roots) out.push_back(memo.at(r.impl()));
  return out;
}

}  // namespace

void register_conv_rewrites() {
  register_rewrite(node_rewriter<ConvFamilyOp>(Phase::Specialize, "conv_grad_of_pool_grad", conv_grad_of_pool_grad));
  register_graph_rewrite(GraphRewrite{"conv_pool", Phase::Fuse, fuse_conv_pool});
}

}  // namespace nabla
