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
    try {
      node = with_inputs(v, ins);
    } catch (const std::exception& e) {
      throw ShapeError(std::string("nabla: function: after substituting givens, ") +
                       v.op()->signature() + " no longer fits its inputs: " + e.what() +
                       "\n  in the expression created at " + v.loc().str());
    }
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
  rewrites_.clear();
  by_op_.clear();
  for (const NodeRewrite& r : rewrites) rewrites_.push_back(&r);
}

const std::vector<const NodeRewrite*>& Rewriter::rewrites_for(const Op& op) {
  auto [it, inserted] = by_op_.try_emplace(std::type_index(typeid(op)));
  if (inserted)
    for (const NodeRewrite* r : rewrites_)
      if (!r->tracks || r->tracks(op)) it->second.push_back(r);
  return it->second;
}

// The first rewrite tracking this node's op that returns a replacement wins.
Var Rewriter::try_rewrites(const Var& node) {
  for (const NodeRewrite* r : rewrites_for(*node.op())) {
    Var repl = r->apply(node);
    if (!repl.defined() || repl.same(node)) continue;
    bump(r->name);
    if (!node.name().empty() && repl.name().empty()) repl.set_name(node.name());
    return repl;
  }
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
