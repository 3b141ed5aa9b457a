// The Fuse phase: every maximal subgraph of float elementwise ops whose inner
// nodes have no reader outside it becomes one FusedElementwiseOp (one loop, each
// input read once, the result written once). Runs after grad() and after the
// stabilizing rewrites saw the unfused graph, so fused nodes need no gradient.
//
// A node joins the group of its reader when it is a float unary op, a float
// arithmetic binary op, or a comparison cast to the float dtype (relu's and
// maximum's gradients), has the same dtype and static shape as the group's root
// (smaller operands such as scalars and bias rows are inputs, broadcast by the
// loop), and has no other reader.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/graph.hpp"
#include "core/registry.hpp"
#include "ops/elementwise_ops.hpp"
#include "ops/fused_elementwise.hpp"

namespace nabla {

namespace {

constexpr size_t kMaxInstructions = 64;
constexpr size_t kMaxInputs = 24;

// What a fusable node computes, as one instruction over its operands.
struct Step {
  FusedInstr instr;
  std::vector<Var> operands;  // 1 or 2
  Var hidden;                 // the comparison under a cast, computed by the same instruction
};

// v as a fusable step, or false.
bool as_step(const Var& v, Step& s) {
  if (v.is_leaf() || !is_float(v.dtype())) return false;
  if (const UnaryOp* u = op_as<UnaryOp>(v)) {
    if (v.inputs()[0].dtype() != v.dtype()) return false;
    s.instr = FusedInstr{false, uint8_t(u->fn()), 0, 0};
    s.operands = {v.inputs()[0]};
    return true;
  }
  if (const BinaryOp* b = op_as<BinaryOp>(v)) {
    if (is_comparison(b->fn())) return false;
    s.instr = FusedInstr{true, uint8_t(b->fn()), 0, 0};
    s.operands = {v.inputs()[0], v.inputs()[1]};
    return true;
  }
  if (op_as<CastOp>(v)) {  // cast(a < b, float): the comparison as 0/1 in the loop's dtype
    const Var& c = v.inputs()[0];
    const BinaryOp* cmp = op_as<BinaryOp>(c);
    if (!cmp || !is_comparison(cmp->fn()) || c.inputs()[0].dtype() != v.dtype()) return false;
    s.instr = FusedInstr{true, uint8_t(cmp->fn()), 0, 0};
    s.operands = {c.inputs()[0], c.inputs()[1]};
    s.hidden = c;
    return true;
  }
  return false;
}

class Fuser {
 public:
  explicit Fuser(const std::vector<Var>& roots) : order_(topo_sort(roots)) {
    for (size_t i = 0; i < order_.size(); ++i) position_[order_[i].impl()] = i;
    for (const Var& v : order_)
      for (const Var& in : v.inputs()) readers_[in.impl()].insert(v.impl());
    for (const Var& r : roots) readers_[r.impl()].insert(nullptr);  // the caller reads the roots
  }

  // Rewritten roots; `fired` counts the fused nodes made.
  std::vector<Var> run(const std::vector<Var>& roots, int& fired) {
    find_groups();
    if (groups_.empty()) return roots;
    VarMemo memo;
    for (const Var& v : order_) {
      if (absorbed_.count(v.impl())) continue;  // read only inside its group
      auto g = groups_.find(v.impl());
      if (g != groups_.end()) {
        memo[v.impl()] = build_fused(v, g->second, memo);
        ++fired;
        continue;
      }
      memo[v.impl()] = v.is_leaf() ? v : rebuilt_over(v, memo);
    }
    std::vector<Var> out;
    for (const Var& r : roots) out.push_back(memo.at(r.impl()));
    return out;
  }

 private:
  // Groups are grown from readers down to producers: the last node in
  // topological order that is fusable and not yet in a group roots a new one.
  void find_groups() {
    for (size_t i = order_.size(); i-- > 0;) {
      const Var& root = order_[i];
      Step s;
      if (absorbed_.count(root.impl()) || !fusable(root, s)) continue;
      std::vector<Var> members = {root};
      std::unordered_set<const VarImpl*> in_group = {root.impl()};
      // Operands join once every reader of theirs is in the group (a value read
      // three times by the chain, like a in (a - y) * a * (1 - a), joins too).
      std::vector<Var> candidates = s.operands;
      for (bool grew = true; grew;) {
        grew = false;
        for (size_t c = 0; c < candidates.size(); ++c) {
          const Var u = candidates[c];
          Step su;
          if (in_group.count(u.impl()) || members.size() >= kMaxInstructions || u.dtype() != root.dtype() ||
              u.shape() != root.shape() || absorbed_.count(u.impl()) || !fusable(u, su))
            continue;
          bool all_inside = true;
          for (const VarImpl* r : readers_[u.impl()]) all_inside &= r && in_group.count(r) > 0;
          if (!all_inside) continue;
          members.push_back(u);
          in_group.insert(u.impl());
          for (const Var& o : su.operands) candidates.push_back(o);
          grew = true;
        }
      }
      std::unordered_set<const VarImpl*> inputs;
      for (const Var& c : candidates)
        if (!in_group.count(c.impl())) inputs.insert(c.impl());
      if (members.size() < 2 || inputs.size() > kMaxInputs) continue;
      for (const Var& m : members) {
        if (!m.same(root)) absorbed_.insert(m.impl());
        Step sm;
        as_step(m, sm);
        if (sm.hidden) absorbed_.insert(sm.hidden.impl());
      }
      std::sort(members.begin(), members.end(),
                [&](const Var& a, const Var& b) { return position_[a.impl()] < position_[b.impl()]; });
      groups_[root.impl()] = std::move(members);
    }
  }

  Var build_fused(const Var& root, const std::vector<Var>& members,
                  const VarMemo& memo) {
    std::unordered_map<const VarImpl*, int> reg;  // old var -> register
    std::vector<Var> inputs;                      // rebuilt outside inputs
    std::unordered_set<const VarImpl*> member_set;
    for (const Var& m : members) member_set.insert(m.impl());
    auto register_of = [&](const Var& operand) {
      auto it = reg.find(operand.impl());
      if (it != reg.end()) return it->second;
      const int r = int(inputs.size());
      inputs.push_back(memo.at(operand.impl()));
      reg[operand.impl()] = r;
      return r;
    };
    // Inputs first (registers 0..n-1), in the order the members first read them.
    for (const Var& m : members) {
      Step s;
      as_step(m, s);
      for (const Var& o : s.operands)
        if (!member_set.count(o.impl())) register_of(o);
    }
    std::vector<FusedInstr> program;
    const int n_inputs = int(inputs.size());
    for (const Var& m : members) {
      Step s;
      as_step(m, s);
      FusedInstr ins = s.instr;
      ins.a = reg.at(s.operands[0].impl());
      if (ins.binary) ins.b = reg.at(s.operands[1].impl());
      reg[m.impl()] = n_inputs + int(program.size());
      program.push_back(ins);
    }
    Var fused = apply(std::make_shared<FusedElementwiseOp>(root.dtype(), n_inputs, std::move(program)), inputs,
                      root.loc());
    if (!root.name().empty()) fused.set_name(root.name());
    return fused;
  }

  // as_step, and a comparison under a cast is read by nothing else.
  bool fusable(const Var& v, Step& s) {
    return as_step(v, s) && (!s.hidden || readers_[s.hidden.impl()].size() == 1);
  }

  std::vector<Var> order_;
  std::unordered_map<const VarImpl*, size_t> position_;
  std::unordered_map<const VarImpl*, std::unordered_set<const VarImpl*>> readers_;  // nullptr: the caller
  std::unordered_map<const VarImpl*, std::vector<Var>> groups_;  // root -> members in topological order
  std::unordered_set<const VarImpl*> absorbed_;                   // members other than their root
};

std::vector<Var> fuse_graph(const std::vector<Var>& roots, int& fired) { return Fuser(roots).run(roots, fired); }

}  // namespace

Var fuse_elementwise(const Var& root) {
  int fired = 0;
  return fuse_graph({root}, fired)[0];
}

void register_fusion() {
  register_op({"fused_elementwise", "elementwise",
               "a chain of elementwise ops in one loop (made by the fuse phase; no gradient)",
               parse_fused_elementwise});
  register_graph_rewrite(GraphRewrite{"elementwise_fusion", Phase::Fuse, fuse_graph});
}

}  // namespace nabla
