// The program: a flat list of kernel calls over value slots, run on each call.
// Shapes are re-derived only when an input shape or an integer scalar changed;
// buffers come from the memory plan (core/memory_plan.cpp).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <unordered_map>

#include "core/dispatch.hpp"
#include "core/graph.hpp"
#include "core/interrupt.hpp"
#include "core/nan_guard.hpp"
#include "core/program.hpp"
#include "core/runtime.hpp"

namespace nabla {

namespace {
std::string where(const Var& v) { return " (created at " + v.loc().str() + ")"; }
}  // namespace

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
        s.infos.resize(s.ins.size());
        s.view = s.op->view_input() >= 0 && s.op->view_input() < int(s.ins.size());
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
      s.memo_out = run_shape(*s.op, s.in_ptrs.data(), n, s.infos.data());
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
  if (s.view) {
    out = Tensor();
    out.bind(nullptr, s.var.dtype(), s.memo_out);
    bool viewed = false;
    try {
      viewed = s.op->make_view(s.in_ptrs.data(), n, out);
    } catch (const std::exception& e) {
      rethrow_with_context(s.var, s.in_ptrs.data(), n, e);
    }
    if (viewed) return;  // shares its input's memory: nothing to compute
  }
  if (s.inplace >= 0) {
    out = *s.in_ptrs[size_t(s.inplace)];  // the shared variable's own buffer
  } else {
    size_t bytes = 0;
    if (__builtin_mul_overflow(size_t(std::max<int64_t>(s.memo_out.numel(), 0)), dtype_size(s.var.dtype()), &bytes))
      rethrow_with_context(s.var, s.in_ptrs.data(), n,
                           MemoryError("an output of shape " + s.memo_out.str() + " needs more bytes than fit in 64 bits"));
    auto& buf = slots_[size_t(s.slot)];
    if (!buf || buf->bytes() < bytes) {
      try {
        buf = std::make_shared<Buffer>(bytes);
      } catch (const std::exception& e) {
        rethrow_with_context(s.var, s.in_ptrs.data(), n, e);
      }
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
  if (mode == Mode::NanGuard) nan_guard_step(s.var, s.op->signature(), s.in_ptrs.data(), n, out);
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

void Program::plan_shared_access() {
  for (const auto& leaf : shared_leaves_) shared_access.push_back({leaf.second, false});
  if (reference)
    for (const auto& a : reference->shared_access) shared_access.push_back(a);
  for (const auto& u : updates_) shared_access.push_back({u.target, true});
  shared_locks = SharedVarLocks::plan(shared_access);
  interruptible_steps_ = steps.size();
  for (size_t i = 0; i < steps.size(); ++i)
    if (steps[i].inplace >= 0) {
      interruptible_steps_ = i;
      break;
    }
}

namespace {
[[noreturn]] void throw_interrupted() {
  throw Interrupted("nabla: call interrupted before its updates were applied (nothing was changed)");
}
}  // namespace

void Program::run_steps() {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i <= interruptible_steps_ && interrupt_requested()) throw_interrupted();
    run_step(steps[i]);
  }
}

void Program::run_steps_profiled() {
  using clock = std::chrono::steady_clock;
  profile.step_seconds.resize(steps.size(), 0.0);
  ++profile.calls;
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i <= interruptible_steps_ && interrupt_requested()) throw_interrupted();
    const auto t0 = clock::now();
    run_step(steps[i]);
    profile.step_seconds[i] += std::chrono::duration<double>(clock::now() - t0).count();
  }
}

Program::~Program() {
  if (RunProfile::requested_by_environment() && profile.calls > 0)
    std::fprintf(stderr, "%s", profile.table(steps).c_str());
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
  if (mode == Mode::NanGuard) {
    for (size_t k = 0; k < args.size(); ++k) nan_guard_leaf(inputs[k], args[k], "function argument " + std::to_string(k));
    for (auto& [i, impl] : shared_leaves_) nan_guard_leaf(vars[size_t(i)], values_[size_t(i)], "shared variable");
  }
  if (profile.enabled) {
    run_steps_profiled();
  } else {
    run_steps();
  }
  for (size_t k = 0; k < output_index_.size(); ++k) results_[k] = values_[size_t(output_index_[k])];
  if (do_updates) apply_updates();
  ++stats.calls;
  stats.allocations += allocs_this_call_;
  stats.last_call_allocations = allocs_this_call_;
  return results_;
}

}  // namespace nabla
