// function(): checks what the caller gave, adds the default updates, runs the
// compile pipeline (core/pipeline.hpp) and builds the program from its result.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <unordered_set>

#include "core/graph.hpp"
#include "core/pipeline.hpp"
#include "core/program.hpp"
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

}  // namespace

template <class F> void Program::timed_phase(const char* name, F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  PhaseStats ps;
  ps.phase = name;
  ps.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  stats.phases.push_back(std::move(ps));
}

Program::Program(const std::vector<Var>& in, const std::vector<Var>& outs, const Updates& user_updates,
                 const Givens& givens, Mode m, bool shared_in_place)
    : inputs(in), mode(m), shared_in_place_(shared_in_place) {
  ensure_runtime_initialized();
  check_function_inputs(inputs);
  for (const auto& [key, value] : givens)
    for (const Var& in : inputs)
      if (key.defined() && key.same(in))
        throw ValueError("nabla: function: " + key.label() + where(key) +
                         " is both an input and replaced by givens, so its argument would be ignored; "
                         "drop it from the inputs or from givens");
  for (size_t k = 0; k < outs.size(); ++k)
    if (!outs[k].defined()) throw ValueError("nabla: function: output " + std::to_string(k) + " is undefined");
  check_updates(user_updates);
  Updates updates = with_default_updates(outs, user_updates);
  for (const auto& u : updates) update_targets.push_back(u.first);

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<Var> roots = outs;
  for (const auto& u : updates) roots.push_back(u.second);
  roots = optimize_graph(roots, givens, mode == Mode::Debug ? Mode::FastRun : mode, stats.phases);
  std::map<std::string, int> fired;
  for (const PhaseStats& ps : stats.phases)
    for (const auto& [name, n] : ps.rewrites) fired[name] += n;
  for (const auto& [name, n] : fired) rewrites.push_back({name, n});
  outputs.assign(roots.begin(), roots.begin() + long(outs.size()));

  timed_phase("linearize", [&] { linearize(roots, outs.size()); });
  for (size_t k = 0; k < updates.size(); ++k) {
    UpdatePlan u;
    u.target = updates[k].first.impl();
    u.value = -1;
    const Var& value = roots[outs.size() + k];
    for (size_t i = 0; i < vars.size(); ++i)
      if (vars[i].same(value)) u.value = int(i);
    updates_.push_back(u);
  }
  Lifetimes life = lifetimes();
  timed_phase("inplace", [&] { plan_inplace(life); });
  timed_phase("memory_plan", [&] { plan_slots(life); });
  stats.compile_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  // NABLA_PRINT_PROGRAMS=1: every compiled program and its compile profile on stderr.
  profile.enabled = RunProfile::requested_by_environment();
  if (const char* env = std::getenv("NABLA_PRINT_PROGRAMS"); env && std::string(env) == "1") print_profile();
  if (mode == Mode::Debug)
    // Run first and without its updates: it must leave the shared variables as they were.
    reference = std::make_shared<Program>(in, outs, user_updates, givens, Mode::FastCompile, false);
  plan_shared_access();
}

void Program::print_profile() const {
  std::string text;
  for (const Step& st : steps)
    text += "  " + st.op->signature() + " " + st.var.type().str() + (st.view ? " [view]" : "") +
            (st.inplace >= 0 || st.reuse_input >= 0 ? " [in place]" : "") + "  # " + st.var.loc().str() + "\n";
  std::fprintf(stderr, "nabla: compiled %zu steps, %zu buffers, %zu in place, %zu views, %.2f ms\n%s", stats.steps,
               stats.slots, stats.inplace_steps, stats.view_steps, stats.compile_seconds * 1e3, text.c_str());
  for (const PhaseStats& ps : stats.phases) {
    std::string fired;
    for (const auto& [name, n] : ps.rewrites) fired += " " + name + "=" + std::to_string(n);
    std::fprintf(stderr, "  phase %-12s %7.3f ms%s\n", ps.phase.c_str(), ps.seconds * 1e3, fired.c_str());
  }
}

Function function(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const Updates& updates,
                  const Givens& givens, Mode mode) {
  Function f;
  f.prog_ = std::make_shared<Program>(inputs, outputs, updates, givens, mode);
  return f;
}

}  // namespace nabla
