#include <cstring>

#include "core/graph.hpp"
#include "core/op.hpp"
#include "core/rewrite/rewrite.hpp"

namespace nabla {

void Rewriter::bump(const std::string& what) {
  changed_ = true;
  if (counts_) ++(*counts_)[what];
}

void Rewriter::set_givens(const Givens& givens) {
  for (const auto& [key, value] : givens) {
    if (!key.defined() || !value.defined()) throw ValueError("nabla: function: a givens entry is undefined");
    if (key.dtype() != value.dtype())
      throw TypeError("nabla: function: givens replaces " + key.label() + " (" + key.type().str() +
                      ", created at " + key.loc().str() + ") with " + value.label() + " of type " +
                      value.type().str() + "; the dtypes must match (use cast())");
    if (key.rank() != value.rank())
      throw ShapeError("nabla: function: givens replaces " + key.label() + " (" +
                       key.type().str() + ", created at " + key.loc().str() + ") with " +
                       value.label() + " of type " + value.type().str() + "; the ranks must match");
    givens_[key.impl()] = value;
  }
}

Var Rewriter::merge_constant(const Var& v) {
  const Tensor& t = v.value_ref();
  if (t.size() > 64) return v;  // only small constants are worth comparing byte by byte
  std::string key = std::string(dtype_name(t.dtype())) + t.shape().str();
  key.append(static_cast<const char*>(t.raw()), t.nbytes());
  auto [it, inserted] = constants_.emplace(key, v);
  if (!inserted && !it->second.same(v)) bump("merge");
  return it->second;
}

Var Rewriter::rebuild(const Var& v) {
  if (v.role() == Role::Constant) return merge_constant(v);
  if (v.is_leaf()) return v;
  const auto& old_inputs = v.inputs();
  std::vector<Var> ins;
  ins.reserve(old_inputs.size());
  bool same = true;
  for (const Var& in : old_inputs) {
    ins.push_back(memo_.at(in.impl()));
    same &= ins.back().same(in);
  }
  Var node = v;
  if (!same) {
    // Inputs changed (givens, merges, rewrites below): infer the type again, which
    // also checks that a givens replacement fits where it is used.
    auto impl = std::make_shared<VarImpl>();
    try {
      impl->type = infer_type(*v.op(), ins);
    } catch (const std::exception& e) {
      throw ShapeError(std::string("nabla: function: after substituting givens, ") +
                       v.op()->signature() + " no longer fits its inputs: " + e.what() +
                       "\n  in the expression created at " + v.loc().str());
    }
    impl->role = Role::Intermediate;
    impl->name = v.name();
    impl->loc = v.loc();
    impl->id = next_var_id();
    impl->node = std::make_shared<Node>(Node{v.node()->op, ins});
    node = Var(impl);
  }
  if (!node.op()->is_random()) {
    std::string key = node.op()->signature();
    for (const Var& in : ins) key += "|" + std::to_string(in.id());
    auto [it, inserted] = nodes_.emplace(key, node);
    if (!inserted) {
      bump("merge");
      return it->second;
    }
  }
  return try_rewrites(node);
}

void Rewriter::set_rewrites(const std::vector<NodeRewrite>& rewrites) {
  by_op_.clear();
  any_op_.clear();
  for (const NodeRewrite& r : rewrites) {
    if (r.tracks.empty()) any_op_.push_back(&r);
    for (const std::type_index& t : r.tracks) by_op_[t].push_back(&r);
  }
}

// Rewrites tracking this op class first, then those offered every node.
Var Rewriter::try_rewrites(const Var& node) {
  auto offer = [&](const NodeRewrite* r) -> Var {
    Var repl = r->apply(node);
    if (!repl.defined() || repl.same(node)) return Var();
    bump(r->name);
    if (!node.name().empty() && repl.name().empty()) repl.set_name(node.name());
    return repl;
  };
  auto it = by_op_.find(std::type_index(typeid(*node.op())));
  if (it != by_op_.end())
    for (const NodeRewrite* r : it->second)
      if (Var repl = offer(r)) return repl;
  for (const NodeRewrite* r : any_op_)
    if (Var repl = offer(r)) return repl;
  return node;
}

std::vector<Var> Rewriter::run(const std::vector<Var>& roots) {
  changed_ = false;
  std::vector<Var> replacements;
  for (const auto& kv : givens_) replacements.push_back(kv.second);
  // Replacement graphs first, without substitution (as Theano does).
  for (const Var& v : topo_sort(replacements)) memo_.emplace(v.impl(), rebuild(v));
  for (const Var& v : topo_sort(roots)) {
    if (memo_.count(v.impl())) continue;
    auto g = givens_.find(v.impl());
    memo_[v.impl()] = g != givens_.end() ? memo_.at(g->second.impl()) : rebuild(v);
  }
  std::vector<Var> out;
  for (const Var& r : roots) out.push_back(memo_.at(r.impl()));
  return out;
}

}  // namespace nabla
