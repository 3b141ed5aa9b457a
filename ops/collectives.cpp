// Collectives as graph ops, so gradient averaging is part of the compiled step
// and updates stay ordinary symbolic updates. The communication itself is
// core/distributed; here are the ops, their gradients and the bucketing rewrite.
//
// Collectives report is_random(): their value depends on other processes, so
// they are never constant-folded, merged with a twin, or hoisted out of a scan.
#include <cstdlib>
#include <map>
#include <unordered_map>

#include "core/distributed.hpp"
#include "core/error.hpp"
#include "core/graph.hpp"
#include "core/op.hpp"
#include "core/registry.hpp"
#include "ops/api.hpp"

namespace nabla {

namespace {

using distributed::Reduce;

void require_numeric(DType d, const std::string& op, bool floats_only) {
  const bool ok = d == DType::Float32 || d == DType::Float64 ||
                  (!floats_only && (d == DType::Int32 || d == DType::Int64));
  if (!ok)
    throw TypeError("nabla: " + op + " takes " + (floats_only ? "float32/64" : "float32/64 or int32/64") +
                    " tensors, got " + dtype_name(d));
}

class CollectiveOp : public Op {
 public:
  bool is_random() const override { return true; }
};

class AllreduceOp final : public CollectiveOp {
 public:
  explicit AllreduceOp(Reduce op) : op_(op) {}
  std::string name() const override { return "allreduce"; }
  std::string params() const override { return op_ == Reduce::Sum ? "op=sum" : "op=mean"; }
  Reduce reduce() const { return op_; }
  Type infer(const InputInfos& in) const override {
    require_numeric(in[0].dtype, "allreduce(" + params() + ")", op_ == Reduce::Mean);
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    out.copy_from(*in[0]);
    distributed::allreduce(out, op_);
  }
  std::vector<Var> pullback(const std::vector<Var>&, const Var&, const Var& g) const override {
    return {allreduce(g, op_ == Reduce::Sum ? "sum" : "mean", g.loc())};
  }

 private:
  Reduce op_;
};

// broadcast (root's value everywhere) and reduce_to_root (the sum on root), adjoint to each other.
class RootedOp final : public CollectiveOp {
 public:
  RootedOp(bool reduce, int root) : reduce_(reduce), root_(root) {
    if (root < 0) throw ValueError("nabla: " + name() + ": root must be >= 0, got " + std::to_string(root));
  }
  std::string name() const override { return reduce_ ? "reduce_to_root" : "broadcast"; }
  std::string params() const override { return "root=" + std::to_string(root_); }
  Type infer(const InputInfos& in) const override {
    require_numeric(in[0].dtype, name(), false);
    return in[0];
  }
  void perform(const Tensor* const* in, int, Tensor& out) const override {
    out.copy_from(*in[0]);
    if (reduce_) distributed::reduce_to_root(out, root_);
    else distributed::broadcast(out, root_);
  }
  std::vector<Var> pullback(const std::vector<Var>&, const Var&, const Var& g) const override {
    return {reduce_ ? broadcast(g, root_, g.loc()) : reduce_to_root(g, root_, g.loc())};
  }

 private:
  bool reduce_;
  int root_;
};

Reduce parse_reduce(const std::string& op) {
  if (op == "sum") return Reduce::Sum;
  if (op == "mean") return Reduce::Mean;
  throw ValueError("nabla: allreduce: op must be \"sum\" or \"mean\", got \"" + op + "\"");
}

// ---- bucketing: one allreduce per step instead of one per gradient ----------------
// The allreduces no other allreduce feeds (a step's gradients) are grouped by
// kind and dtype; each group of two or more becomes flatten + concatenate ->
// one allreduce -> slices reshaped back. Those with an unknown static shape stay.
std::vector<Var> bucket_allreduces(const std::vector<Var>& roots, int& fired) {
  const char* env = std::getenv("NABLA_MPI_BUCKET");
  if (env && std::string(env) == "0") return roots;
  const std::vector<Var> order = topo_sort(roots);
  std::unordered_map<const VarImpl*, bool> after_allreduce;  // an allreduce feeds it
  std::map<std::pair<int, int>, std::vector<Var>> groups;
  for (const Var& v : order) {
    bool fed = false;
    if (!v.is_leaf())
      for (const Var& in : v.inputs()) fed = fed || after_allreduce.at(in.impl());
    const AllreduceOp* a = op_as<AllreduceOp>(v);
    if (a && !fed && v.shape().known())  // scalars too: the step's cost goes with its gradients
      groups[{int(a->reduce()), int(v.dtype())}].push_back(v);
    after_allreduce[v.impl()] = fed || a != nullptr;
  }
  VarMemo replaced;
  for (auto& [key, members] : groups) {
    if (members.size() < 2) continue;
    std::vector<Var> flat;
    for (const Var& m : members) flat.push_back(reshape(m.inputs()[0], {-1}, m.loc()));
    const Var bucket = allreduce(concatenate(flat, 0, members[0].loc()), key.first == int(Reduce::Sum) ? "sum" : "mean",
                                 members[0].loc());
    int64_t offset = 0;
    for (const Var& m : members) {
      const int64_t n = m.shape().numel();
      Dims dims;
      for (int d = 0; d < m.rank(); ++d) dims.push_back(m.shape()[d]);
      replaced[m.impl()] = reshape(slice(bucket, offset, offset + n, m.loc()), dims, m.loc());
      offset += n;
    }
    ++fired;
  }
  if (!fired) return roots;
  VarMemo memo;
  for (const Var& v : order) {
    auto r = replaced.find(v.impl());
    memo[v.impl()] = r != replaced.end() ? r->second : v.is_leaf() ? v : rebuilt_over(v, memo);
  }
  std::vector<Var> out;
  for (const Var& r : roots) out.push_back(memo.at(r.impl()));
  return out;
}

}  // namespace

Var allreduce(const Var& x, const std::string& op, Loc loc) {
  return apply(std::make_shared<AllreduceOp>(parse_reduce(op)), {x}, loc);
}
Var broadcast(const Var& x, int root, Loc loc) { return apply(std::make_shared<RootedOp>(false, root), {x}, loc); }
Var reduce_to_root(const Var& x, int root, Loc loc) {
  return apply(std::make_shared<RootedOp>(true, root), {x}, loc);
}

void register_collective_ops() {
  register_op({"allreduce", "collective", "the sum or mean of x over the MPI ranks (identity in one process)",
               [](const OpParams& p) -> std::shared_ptr<const Op> {
                 return std::make_shared<AllreduceOp>(parse_reduce(p.str("op")));
               }});
  auto rooted = [](const OpParams& p) -> std::shared_ptr<const Op> {
    return std::make_shared<RootedOp>(p.op() == "reduce_to_root", int(p.integer("root")));
  };
  register_op({"broadcast", "collective", "root's x on every MPI rank (identity in one process)", rooted});
  register_op({"reduce_to_root", "collective", "the sum of x over ranks on root, zeros elsewhere", rooted});
  register_graph_rewrite(GraphRewrite{"allreduce_bucketing", Phase::Fuse, bucket_allreduces});
}

}  // namespace nabla
