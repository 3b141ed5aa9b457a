// Function: the handle users call; the program behind it is core/program.cpp.
#include "core/function.hpp"

#include <mutex>
#include <unordered_map>

#include "core/program.hpp"

namespace nabla {


const std::vector<Tensor>& Function::operator()(const std::vector<Tensor>& args) {
  if (!prog_) throw ValueError("nabla: calling an empty Function (build it with nabla::function)");
  std::lock_guard<std::mutex> lock(prog_->call_mutex);
  SharedVarLocks shared(prog_->shared_locks);
  return run_locked(args);
}

std::vector<Tensor> Function::call_copy(const std::vector<Tensor>& args) {
  if (!prog_) throw ValueError("nabla: calling an empty Function (build it with nabla::function)");
  std::lock_guard<std::mutex> lock(prog_->call_mutex);
  SharedVarLocks shared(prog_->shared_locks);  // outputs may view a shared buffer: copy before unlocking
  std::vector<Tensor> out;
  for (const Tensor& t : run_locked(args)) out.push_back(t.copy());
  return out;
}

const std::vector<Tensor>& Function::run_locked(const std::vector<Tensor>& args) {
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
void Function::enable_profile(bool on) {
  std::lock_guard<std::mutex> lock(prog_->call_mutex);
  prog_->profile.enabled = on;
}
std::string Function::profile_text() const {
  std::lock_guard<std::mutex> lock(prog_->call_mutex);
  return prog_->profile.table(prog_->steps);
}
const std::vector<Var>& Function::inputs() const { return prog_->inputs; }
const std::vector<Var>& Function::outputs() const { return prog_->outputs; }
const std::vector<Var>& Function::update_targets() const { return prog_->update_targets; }
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

}  // namespace nabla
