#include "core/graph.hpp"

#include <unordered_set>

#include "core/grad_origin.hpp"
#include "core/op.hpp"
#include "core/runtime.hpp"

namespace nabla {

std::vector<Var> topo_sort(const std::vector<Var>& outputs) {
  std::vector<Var> order;
  std::unordered_set<const VarImpl*> done;
  // Iterative post-order DFS: deep graphs (long training chains) must not overflow the stack.
  struct Frame {
    Var v;
    size_t next;
  };
  std::vector<Frame> stack;
  for (const Var& out : outputs) {
    if (!out.defined() || done.count(out.impl())) continue;
    stack.push_back({out, 0});
    while (!stack.empty()) {
      Frame& f = stack.back();
      const auto& ins = f.v.inputs();
      if (f.next < ins.size()) {
        const Var& in = ins[f.next++];
        if (!done.count(in.impl())) stack.push_back({in, 0});
        continue;
      }
      if (done.insert(f.v.impl()).second) order.push_back(f.v);
      stack.pop_back();
    }
  }
  return order;
}

std::vector<Tensor> eval(const std::vector<Var>& outputs, const Bindings& bindings) {
  ensure_runtime_initialized();
  std::unordered_map<const VarImpl*, Tensor> values;
  for (const Var& v : topo_sort(outputs)) {
    switch (v.role()) {
      case Role::Input: {
        auto it = bindings.find(v);
        if (it == bindings.end())
          throw ValueError("nabla: eval: no value given for input " + v.label() + " (created at " +
                           v.loc().str() + ")");
        check_input_value(v, it->second, "eval");
        values[v.impl()] = it->second;
        break;
      }
      case Role::Constant:
      case Role::Shared:
        values[v.impl()] = v.value_ref();
        break;
      case Role::Intermediate: {
        std::vector<const Tensor*> ins;
        for (const Var& in : v.inputs()) ins.push_back(&values.at(in.impl()));
        values[v.impl()] = run_op(v, ins.data(), int(ins.size()));
        break;
      }
    }
  }
  std::vector<Tensor> out;
  for (const Var& v : outputs) out.push_back(values.at(v.impl()));
  return out;
}

Tensor eval(const Var& output, const Bindings& bindings) { return eval(std::vector<Var>{output}, bindings)[0]; }

Var with_inputs(const Var& v, std::vector<Var> inputs) {
  auto impl = std::make_shared<VarImpl>();
  impl->type = infer_type(*v.op(), inputs);
  impl->role = Role::Intermediate;
  impl->name = v.name();
  impl->loc = v.loc();
  impl->id = next_var_id();
  impl->node = std::make_shared<Node>(Node{v.node()->op, std::move(inputs)});
  Var rebuilt(impl);
  inherit_gradient_origin(v, rebuilt);
  return rebuilt;
}

Var rebuilt_over(const Var& v, const VarMemo& memo) {
  std::vector<Var> ins;
  ins.reserve(v.inputs().size());
  bool same = true;
  for (const Var& in : v.inputs()) {
    ins.push_back(memo.at(in.impl()));
    same &= ins.back().same(in);
  }
  return same ? v : with_inputs(v, std::move(ins));
}

}  // namespace nabla
