#include "core/grad.hpp"

#include <unordered_map>
#include <unordered_set>

#include "core/grad_origin.hpp"
#include "core/graph.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"

namespace nabla {

namespace {

std::string where(const Var& v) { return " (created at " + v.loc().str() + ")"; }

// Checks that a pullback produced something shaped like the input it is for.
void check_contribution(const Var& node_out, size_t i, const Var& input, const Var& g) {
  bool ok = g.rank() == input.rank();
  for (int d = 0; ok && d < g.rank(); ++d)
    if (g.shape()[d] >= 0 && input.shape()[d] >= 0 && g.shape()[d] != input.shape()[d]) ok = false;
  if (!ok)
    throw GradError("nabla: grad: the pullback of " + node_out.op()->signature() + " gave input " +
                    std::to_string(i) + " a gradient of type " + g.type().str() +
                    " for a value of type " + input.type().str() + " (an op bug)");
}

}  // namespace

std::vector<Var> grad(const Var& cost, const std::vector<Var>& wrt, Disconnected disconnected) {
  if (!cost.defined()) throw GradError("nabla: grad: the cost is an undefined Var");
  if (cost.rank() != 0)
    throw GradError("nabla: grad: the cost must be a scalar, but " + cost.label() + where(cost) +
                    " has shape " + cost.shape().str() + " (reduce it with sum() or mean())");
  if (!is_float(cost.dtype()))
    throw GradError("nabla: grad: the cost " + cost.label() + where(cost) + " has dtype " +
                    dtype_name(cost.dtype()) + "; gradients need a float cost");
  for (const Var& w : wrt) {
    if (!w.defined()) throw GradError("nabla: grad: an entry of wrt is an undefined Var");
    if (!is_float(w.dtype()))
      throw GradError("nabla: grad: cannot differentiate with respect to " + w.label() + where(w) +
                      " of dtype " + dtype_name(w.dtype()));
  }

  const std::vector<Var> order = topo_sort({cost});
  // Vars that depend on some wrt: only their pullbacks are needed.
  std::unordered_set<const VarImpl*> wanted;
  for (const Var& w : wrt) wanted.insert(w.impl());
  std::unordered_set<const VarImpl*> on_path(wanted);
  for (const Var& v : order)
    for (const Var& in : v.inputs())
      if (on_path.count(in.impl())) {
        on_path.insert(v.impl());
        break;
      }

  std::vector<Var> result(wrt.size());
  // A wrt is connected when it appears in the cost's graph (topo order holds
  // every ancestor of the cost, leaves included).
  std::unordered_set<const VarImpl*> in_graph;
  for (const Var& v : order) in_graph.insert(v.impl());
  for (size_t k = 0; k < wrt.size(); ++k)
    if (!in_graph.count(wrt[k].impl()) && disconnected == Disconnected::Raise)
      throw GradError("nabla: grad: the cost " + cost.label() + " does not depend on " + wrt[k].label() +
                      where(wrt[k]) + " (pass Disconnected::Zero to get zeros instead)");

  std::unordered_map<const VarImpl*, std::vector<Var>> contributions;
  contributions[cost.impl()].push_back(grad_algebra().fill_like(cost, 1.0, cost.loc()));
  auto total = [&](const Var& v) -> Var {
    auto it = contributions.find(v.impl());
    if (it == contributions.end() || it->second.empty()) return Var();
    Var g = it->second[0];
    for (size_t i = 1; i < it->second.size(); ++i) g = grad_algebra().add(g, it->second[i], v.loc());
    it->second.assign(1, g);
    return g;
  };

  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Var& v = *it;
    if (v.is_leaf() || !on_path.count(v.impl())) continue;
    Var g = total(v);
    if (!g.defined()) continue;
    const auto& ins = v.inputs();
    std::vector<Var> gin;
    {
      ScopedLoc at(v.loc());  // gradient nodes point at the line of the forward expression
      const uint64_t first = next_var_id() + 1;
      gin = v.op()->pullback(ins, v, g);
      note_gradient_nodes(first, next_var_id() + 1, v);  // ...and know which one they differentiate
    }
    if (gin.size() != ins.size())
      throw GradError("nabla: grad: the pullback of " + v.op()->signature() + " returned " +
                      std::to_string(gin.size()) + " gradients for " + std::to_string(ins.size()) +
                      " inputs (an op bug)");
    for (size_t i = 0; i < ins.size(); ++i) {
      if (!gin[i].defined() || !on_path.count(ins[i].impl())) continue;
      Var gi = gin[i];
      if (gi.dtype() != ins[i].dtype()) gi = grad_algebra().cast(gi, ins[i].dtype(), v.loc());
      check_contribution(v, i, ins[i], gi);
      contributions[ins[i].impl()].push_back(gi);
    }
  }

  for (size_t k = 0; k < wrt.size(); ++k) {
    Var g = total(wrt[k]);
    result[k] = g.defined() ? g : grad_algebra().fill_like(wrt[k], 0.0, wrt[k].loc());
  }
  return result;
}

Var grad(const Var& cost, const Var& wrt, Disconnected disconnected) {
  return grad(cost, std::vector<Var>{wrt}, disconnected)[0];
}

}  // namespace nabla
