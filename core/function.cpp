#include "core/function.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>
#include <unordered_set>

#include "core/dispatch.hpp"
#include "core/graph.hpp"
#include "core/program.hpp"
#include "core/rewrite/rewrite.hpp"
#include "core/runtime.hpp"

namespace nabla {

namespace {

std::string where(const Var& v) { return " (created at " + v.loc().str() + ")"; }

void check_function_inputs(const std::vector<Var>& inputs) {
  std::unordered_set<const VarImpl*> seen;
  for (size_t k = 0; k < inputs.size(); ++k) {
    const Var& v = inputs[k];
    if (!v.defined()) throw ValueError("nabla: function: input " + std::to_string(k) + " is undefined");
    if (v.role() != Role::Input)
      throw TypeError("nabla: function: inputs must be input variables (matrix(), lscalar(), ...), but " +
                      v.label() + where(v) +
                      (v.role() == Role::Shared ? " is a shared variable (it is read automatically)"
                                                : " is computed from other variables (use givens)"));
    if (!seen.insert(v.impl()).second)
      throw ValueError("nabla: function: input " + v.label() + " is listed twice");
  }
}

void check_updates(const Updates& updates) {
  std::unordered_set<const VarImpl*> seen;
  for (const auto& [target, value] : updates) {
    if (!target.defined() || !value.defined()) throw ValueError("nabla: function: an update is undefined");
    if (target.role() != Role::Shared)
      throw TypeError("nabla: function: updates must target shared variables, but " + target.label() +
                      where(target) + " is not one");
    if (!seen.insert(target.impl()).second)
      throw ValueError("nabla: function: " + target.label() + " is updated twice");
    if (value.dtype() != target.dtype())
      throw TypeError("nabla: function: the update of " + target.label() + " (" + target.type().str() +
                      ") has dtype " + dtype_name(value.dtype()) + where(value) + "; use cast()");
    bool ok = value.rank() == target.rank();
    for (int d = 0; ok && d < value.rank(); ++d)
      ok = value.shape()[d] < 0 || value.shape()[d] == target.shape()[d];
    if (!ok)
      throw ShapeError("nabla: function: the update of " + target.label() + " has shape " +
                       value.shape().str() + where(value) + ", but the variable has shape " +
                       target.shape().str());
  }
}

// User updates plus the default updates (random states) of the shared variables
// the graph reads and the user does not update.
Updates with_default_updates(const std::vector<Var>& outputs, const Updates& updates) {
  Updates all = updates;
  std::unordered_set<const VarImpl*> targets;
  for (const auto& u : updates) targets.insert(u.first.impl());
  for (size_t scanned = 0;;) {
    std::vector<Var> roots = outputs;
    for (const auto& u : all) roots.push_back(u.second);
    size_t before = all.size();
    for (const Var& v : topo_sort(roots))
      if (v.role() == Role::Shared && v.default_update().defined() && !targets.count(v.impl())) {
        targets.insert(v.impl());
        all.push_back({v, v.default_update()});
      }
    if (all.size() == before || ++scanned > 8) break;
  }
  return all;
}

std::vector<Var> optimize(std::vector<Var> roots, const Givens& givens, Mode mode,
                          std::vector<std::pair<std::string, int>>* applied) {
  std::map<std::string, int> counts;
  {
    Rewriter first(&counts);
    first.set_givens(givens);
    roots = first.run(roots);
  }
  if (mode != Mode::FastCompile) {
    std::vector<LocalRewrite> passes = canonicalize_rewrites();
    for (auto& r : stabilize_rewrites()) passes.push_back(r);
    for (auto& r : xent_rewrites()) passes.push_back(r);
    for (auto& r : specialize_rewrites()) passes.push_back(r);
    for (int round = 0; round < 6; ++round) {
      Rewriter rw(&counts);
      rw.set_local_rewrites(passes);
      roots = rw.run(roots);
      if (!rw.changed()) break;
    }
  }
  for (const auto& [name, n] : counts) applied->push_back({name, n});
  return roots;
}

}  // namespace

Program::Program(const std::vector<Var>& in, const std::vector<Var>& outs, const Updates& user_updates,
                 const Givens& givens, Mode m)
    : inputs(in), mode(m) {
  ensure_runtime_initialized();
  check_function_inputs(inputs);
  for (size_t k = 0; k < outs.size(); ++k)
    if (!outs[k].defined()) throw ValueError("nabla: function: output " + std::to_string(k) + " is undefined");
  check_updates(user_updates);
  Updates updates = with_default_updates(outs, user_updates);

  std::vector<Var> roots = outs;
  for (const auto& u : updates) roots.push_back(u.second);
  roots = optimize(roots, givens, mode == Mode::Debug ? Mode::FastRun : mode, &rewrites);
  outputs.assign(roots.begin(), roots.begin() + long(outs.size()));

  linearize(roots, outs.size());
  for (size_t k = 0; k < updates.size(); ++k) {
    UpdatePlan u;
    u.target = updates[k].first.impl();
    u.value = -1;
    const Var& value = roots[outs.size() + k];
    for (size_t i = 0; i < vars.size(); ++i)
      if (vars[i].same(value)) u.value = int(i);
    updates_.push_back(u);
  }
  plan_slots(outs.size());
  if (mode == Mode::Debug)
    reference = std::make_shared<Program>(in, outs, user_updates, givens, Mode::FastCompile);
}

void Program::linearize(const std::vector<Var>& roots, size_t n_outputs) {
  std::unordered_map<const VarImpl*, int> index;
  std::unordered_map<const VarImpl*, int> input_pos;
  for (size_t k = 0; k < inputs.size(); ++k) input_pos[inputs[k].impl()] = int(k);
  input_index_.assign(inputs.size(), -1);
  vars = topo_sort(roots);
  values_.resize(vars.size());
  for (size_t i = 0; i < vars.size(); ++i) {
    const Var& v = vars[i];
    index[v.impl()] = int(i);
    switch (v.role()) {
      case Role::Input: {
        auto it = input_pos.find(v.impl());
        if (it == input_pos.end())
          throw ValueError("nabla: function: the graph needs input " + v.label() + where(v) +
                           ", which is not in the function's inputs (add it, or replace it with givens)");
        input_index_[size_t(it->second)] = int(i);
        break;
      }
      case Role::Constant: values_[i] = v.value_ref(); break;
      case Role::Shared: shared_leaves_.push_back({int(i), v.impl()}); break;
      case Role::Intermediate: {
        Step s;
        s.var = v;
        s.op = v.op();
        s.out = int(i);
        for (const Var& x : v.inputs()) s.ins.push_back(index.at(x.impl()));
        s.memo_shapes.resize(s.ins.size());
        s.memo_ints.resize(s.ins.size());
        steps.push_back(std::move(s));
        break;
      }
    }
  }
  for (Step& s : steps)
    for (int k : s.ins) s.in_ptrs.push_back(&values_[size_t(k)]);
  for (size_t k = 0; k < n_outputs; ++k) output_index_.push_back(index.at(roots[k].impl()));
  results_.resize(n_outputs);
  stats.steps = steps.size();
}

// Buffers are reused once their value is dead: a value's slot returns to the
// free list after the last step that reads it. Outputs and update values live
// to the end of the call. Each slot grows to the largest value it ever holds,
// so after the first call with given shapes nothing is allocated.
void Program::plan_slots(size_t n_outputs) {
  const int forever = int(steps.size());
  std::vector<int> last_use(vars.size(), -1);
  for (size_t p = 0; p < steps.size(); ++p)
    for (int k : steps[p].ins) last_use[size_t(k)] = int(p);
  for (int k : output_index_) last_use[size_t(k)] = forever;
  std::unordered_map<int, int> value_users;  // how many updates use a value
  for (auto& u : updates_) {
    last_use[size_t(u.value)] = forever;
    ++value_users[u.value];
  }
  // An update value computed by a step of its own is swapped into its shared
  // variable; the variable's old buffer comes back into the value's slot. That
  // slot must be dedicated: shared with a larger temporary it would be regrown on
  // every call.
  std::unordered_set<int> outputs_set(output_index_.begin(), output_index_.end());
  std::unordered_set<int> computed;
  for (const Step& s : steps) computed.insert(s.out);
  std::unordered_set<int> swapped;
  for (auto& u : updates_)
    if (computed.count(u.value) && !outputs_set.count(u.value) && value_users[u.value] == 1)
      swapped.insert(u.value);
  // In place: a step whose op may overwrite an input (gemm_acc's c) writes
  // straight into a shared variable when that is the variable this value updates
  // and this step is the last reader of its old value.
  // (Not under NanGuard: a step failing after an in-place write would leave the
  // variable half-updated.)
  for (size_t p = 0; p < steps.size() && mode != Mode::NanGuard; ++p) {
    Step& s = steps[p];
    const int i = s.op->inplace_input();
    if (i < 0 || !swapped.count(s.out)) continue;
    const int k = s.ins[size_t(i)];
    if (last_use[size_t(k)] != int(p) || vars[size_t(k)].role() != Role::Shared) continue;
    if (std::count(s.ins.begin(), s.ins.end(), k) != 1) continue;
    for (auto& u : updates_)
      if (u.value == s.out && u.target == vars[size_t(k)].impl() && vars[size_t(k)].shape() == s.var.shape() &&
          vars[size_t(k)].dtype() == s.var.dtype()) {
        s.inplace = i;
        u.in_place = true;
        swapped.erase(s.out);
      }
  }
  std::vector<int> slot_of(vars.size(), -1);
  std::vector<int> free_slots;
  int n_slots = 0;
  for (size_t p = 0; p < steps.size(); ++p) {
    Step& s = steps[p];
    if (s.inplace >= 0) {
      s.slot = -1;
    } else if (!free_slots.empty() && !swapped.count(s.out)) {
      // Reuse the most recently freed slot (its memory is likely still in cache).
      s.slot = free_slots.back();
      free_slots.pop_back();
    } else {
      s.slot = n_slots++;
    }
    if (s.slot >= 0) slot_of[size_t(s.out)] = s.slot;
    for (int k : s.ins)
      if (last_use[size_t(k)] == int(p) && slot_of[size_t(k)] >= 0) {
        free_slots.push_back(slot_of[size_t(k)]);
        slot_of[size_t(k)] = -1;  // an input listed twice (mul(x, x)) is freed once
      }
    if (last_use[size_t(s.out)] < 0 && s.slot >= 0) free_slots.push_back(s.slot);  // unused value
  }
  slots_.assign(size_t(n_slots), nullptr);
  stats.slots = size_t(n_slots);
  for (auto& u : updates_) u.slot = swapped.count(u.value) ? slot_of[size_t(u.value)] : -1;
  (void)n_outputs;
}

void Program::run_step(Step& s) {
  const int n = int(s.ins.size());
  bool same = s.memo_valid;
  for (int k = 0; k < n && same; ++k) {
    const Tensor& t = *s.in_ptrs[size_t(k)];
    if (t.shape() != s.memo_shapes[size_t(k)]) same = false;
    else if (t.rank() == 0 && is_integer(t.dtype()) && t.iat(0) != s.memo_ints[size_t(k)]) same = false;
  }
  if (!same) {
    try {
      s.memo_out = s.op->out_shape(s.in_ptrs.data(), n);
    } catch (const std::exception& e) {
      rethrow_with_context(s.var, s.in_ptrs.data(), n, e);
    }
    for (int k = 0; k < n; ++k) {
      const Tensor& t = *s.in_ptrs[size_t(k)];
      s.memo_shapes[size_t(k)] = t.shape();
      s.memo_ints[size_t(k)] = (t.rank() == 0 && is_integer(t.dtype())) ? t.iat(0) : 0;
    }
    s.memo_valid = true;
  }
  Tensor& out = values_[size_t(s.out)];
  if (s.inplace >= 0) {
    out = *s.in_ptrs[size_t(s.inplace)];  // the shared variable's own buffer
  } else {
    const size_t bytes = size_t(std::max<int64_t>(s.memo_out.numel(), 0)) * dtype_size(s.var.dtype());
    auto& buf = slots_[size_t(s.slot)];
    if (!buf || buf->bytes() < bytes) {
      buf = std::make_shared<Buffer>(bytes);
      ++allocs_this_call_;
      stats.bytes += bytes;
    }
    out.bind(buf, s.var.dtype(), s.memo_out);
  }
  try {
    s.op->perform(s.in_ptrs.data(), n, out);
  } catch (const std::exception& e) {
    rethrow_with_context(s.var, s.in_ptrs.data(), n, e);
  }
  if (mode == Mode::NanGuard && is_float(out.dtype())) {
    bool finite = dispatch_float(out.dtype(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* p = out.data<T>();
      for (int64_t i = 0; i < out.size(); ++i)
        if (!std::isfinite(p[i])) return false;
      return true;
    });
    if (!finite) {
      std::string shapes;
      for (int k = 0; k < n; ++k) shapes += (k ? ", " : "") + s.in_ptrs[size_t(k)]->shape().str();
      throw ValueError("nabla: NanGuard: " + s.op->signature() + " " + s.var.label() +
                       " produced NaN or Inf from inputs of shapes " + shapes +
                       "\n  in the expression created at " + s.var.loc().str());
    }
  }
}

void Program::apply_updates() {
  // Every new value was computed from the old ones; now install them. Values that
  // cannot simply be swapped in are first copied aside, so no update sees another's result.
  for (auto& u : updates_) {
    if (u.slot >= 0 || u.in_place) continue;
    const Tensor& v = values_[size_t(u.value)];
    if (!u.staging || u.staging->bytes() < v.nbytes()) {
      u.staging = std::make_shared<Buffer>(v.nbytes());
      ++allocs_this_call_;
    }
    Tensor staged;
    staged.bind(u.staging, v.dtype(), v.shape());
    staged.copy_from(v);
  }
  for (auto& u : updates_) {
    if (u.in_place) continue;  // already written into the target's buffer
    const Tensor& v = values_[size_t(u.value)];
    Tensor& target = *u.target->value;
    if (v.shape() != target.shape())
      throw ShapeError("nabla: function: the update of shared variable '" + u.target->name +
                       "' computed a value of shape " + v.shape().str() + " for a variable of shape " +
                       target.shape().str());
    std::shared_ptr<Buffer>& source = u.slot >= 0 ? slots_[size_t(u.slot)] : u.staging;
    std::shared_ptr<Buffer> old = target.buffer();
    target.bind(source, target.dtype(), target.shape());
    source = old;
  }
}

const std::vector<Tensor>& Program::run(const std::vector<Tensor>& args, bool do_updates) {
  if (args.size() != inputs.size()) {
    std::string names;
    for (size_t k = 0; k < inputs.size(); ++k) names += (k ? ", " : "") + inputs[k].label();
    throw ValueError("nabla: function expects " + std::to_string(inputs.size()) + " argument(s) (" +
                     names + "), got " + std::to_string(args.size()));
  }
  allocs_this_call_ = 0;
  for (size_t k = 0; k < args.size(); ++k) {
    check_input_value(inputs[k], args[k], "function call");
    if (input_index_[k] >= 0) values_[size_t(input_index_[k])] = args[k];
  }
  for (auto& [i, impl] : shared_leaves_) values_[size_t(i)] = *impl->value;
  for (Step& s : steps) run_step(s);
  for (size_t k = 0; k < output_index_.size(); ++k) results_[k] = values_[size_t(output_index_[k])];
  if (do_updates) apply_updates();
  ++stats.calls;
  stats.allocations += allocs_this_call_;
  stats.last_call_allocations = allocs_this_call_;
  return results_;
}

const std::vector<Tensor>& Function::operator()(const std::vector<Tensor>& args) {
  if (!prog_) throw ValueError("nabla: calling an empty Function (build it with nabla::function)");
  if (prog_->reference) {
    // Debug: the unoptimized program must agree with the optimized one.
    std::vector<Tensor> expected;
    for (const Tensor& t : prog_->reference->run(args, false)) expected.push_back(t.copy());
    const auto& got = prog_->run(args);
    for (size_t k = 0; k < got.size(); ++k)
      if (!allclose(got[k], expected[k], 1e-4, 1e-6))
        throw Error("nabla: Debug mode: output " + std::to_string(k) +
                    " of the optimized program differs from the unoptimized one (rewrites: " +
                    std::to_string(prog_->rewrites.size()) + " kinds applied)");
    return got;
  }
  return prog_->run(args);
}

const PlanStats& Function::stats() const { return prog_->stats; }
const std::vector<Var>& Function::inputs() const { return prog_->inputs; }
const std::vector<Var>& Function::outputs() const { return prog_->outputs; }
const std::vector<std::pair<std::string, int>>& Function::rewrites_applied() const { return prog_->rewrites; }

std::string Function::program_text() const {
  std::unordered_map<const VarImpl*, size_t> index;
  for (size_t i = 0; i < prog_->vars.size(); ++i) index[prog_->vars[i].impl()] = i;
  std::string s;
  for (const Var& v : prog_->vars) {
    if (!v.is_leaf()) continue;
    s += "%" + std::to_string(index[v.impl()]) + " = " +
         (v.role() == Role::Input ? "input" : v.role() == Role::Shared ? "shared" : "constant") + " " +
         v.label() + " : " + v.type().str() + "\n";
  }
  for (const Step& st : prog_->steps) {
    s += "%" + std::to_string(st.out) + " = " + st.op->signature() + "(";
    for (size_t k = 0; k < st.ins.size(); ++k) s += (k ? ", %" : "%") + std::to_string(st.ins[k]);
    s += ") : " + st.var.type().str() + "  [slot " + std::to_string(st.slot) + "]  # " + st.var.loc().str() + "\n";
  }
  return s;
}

Function function(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const Updates& updates,
                  const Givens& givens, Mode mode) {
  Function f;
  f.prog_ = std::make_shared<Program>(inputs, outputs, updates, givens, mode);
  return f;
}

}  // namespace nabla
