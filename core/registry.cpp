#include "core/registry.hpp"

#include <array>
#include <unordered_map>
#include <unordered_set>

#include "core/error.hpp"
#include "core/op.hpp"

namespace nabla {

void register_core_rewrites();  // core/rewrite/generic_rewrites.cpp: folding that knows no op

namespace {
struct Registry {
  std::vector<OpInfo> ops;
  std::unordered_set<std::string> names;
  std::unordered_map<std::string, size_t> index;  // name -> position in ops
  std::array<std::vector<NodeRewrite>, 4> rewrites;  // by Phase
  std::array<std::vector<GraphRewrite>, 4> graph_rewrites;
  std::unordered_set<std::string> rewrite_names;
  GradAlgebra grad;
};
Registry* g_building = nullptr;  // set only while the families register

Registry& registry() {
  static Registry r = [] {
    Registry reg;
    g_building = &reg;
    register_core_rewrites();
    register_builtin_families();
    g_building = nullptr;
    if (!reg.grad.fill_like || !reg.grad.add || !reg.grad.cast)
      throw Error("nabla: no op family registered the functions grad() builds with (register_grad_algebra)");
    return reg;
  }();
  return r;
}

Registry& building(const char* what) {
  if (!g_building) throw Error(std::string("nabla: ") + what + " called outside registry construction");
  return *g_building;
}
}  // namespace

void register_op(OpInfo info) {
  Registry& reg = building("register_op");
  if (!reg.names.insert(info.name).second) throw Error("nabla: op '" + info.name + "' registered twice");
  reg.index[info.name] = reg.ops.size();
  reg.ops.push_back(std::move(info));
}

void register_rewrite(NodeRewrite rewrite) {
  Registry& reg = building("register_rewrite");
  if (!rewrite.apply) throw Error("nabla: rewrite '" + rewrite.name + "' has no function");
  if (!reg.rewrite_names.insert(rewrite.name).second)
    throw Error("nabla: rewrite '" + rewrite.name + "' registered twice");
  if (rewrite.every_phase)
    for (size_t p = size_t(rewrite.phase) + 1; p < size_t(Phase::Fuse); ++p) reg.rewrites[p].push_back(rewrite);
  reg.rewrites[size_t(rewrite.phase)].push_back(std::move(rewrite));
}

void register_graph_rewrite(GraphRewrite rewrite) {
  Registry& reg = building("register_graph_rewrite");
  if (!rewrite.apply) throw Error("nabla: rewrite '" + rewrite.name + "' has no function");
  if (!reg.rewrite_names.insert(rewrite.name).second)
    throw Error("nabla: rewrite '" + rewrite.name + "' registered twice");
  reg.graph_rewrites[size_t(rewrite.phase)].push_back(std::move(rewrite));
}

const std::vector<GraphRewrite>& registered_graph_rewrites(Phase phase) {
  return registry().graph_rewrites[size_t(phase)];
}

void register_grad_algebra(GradAlgebra algebra) { building("register_grad_algebra").grad = algebra; }

const GradAlgebra& grad_algebra() { return registry().grad; }

const std::vector<OpInfo>& registered_ops() { return registry().ops; }

bool is_registered_op(const std::string& name) { return registry().names.count(name) > 0; }

std::shared_ptr<const Op> make_op(const std::string& name, const std::string& params, int n_inputs) {
  const Registry& reg = registry();
  const auto it = reg.index.find(name);
  if (it == reg.index.end()) throw ValueError("nabla: no op is named '" + name + "' (a graph from another nabla?)");
  const OpInfo& info = reg.ops[it->second];
  if (!info.make) throw ValueError("nabla: op '" + name + "' has no factory, so it cannot be rebuilt");
  std::shared_ptr<const Op> op = info.make(OpParams(name, params, n_inputs));
  if (!op || op->name() != name || op->params() != params)
    throw ValueError("nabla: op '" + name + "' with params '" + params + "' was rebuilt as '" +
                     (op ? op->signature() : std::string("nothing")) + "'");
  return op;
}

const std::vector<NodeRewrite>& registered_rewrites(Phase phase) { return registry().rewrites[size_t(phase)]; }

const char* phase_name(Phase p) {
  switch (p) {
    case Phase::Canonicalize: return "canonicalize";
    case Phase::Stabilize: return "stabilize";
    case Phase::Specialize: return "specialize";
    case Phase::Fuse: return "fuse";
  }
  return "?";
}

}  // namespace nabla
