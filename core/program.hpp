// Internal: the compiled form of a function — a flat list of kernel calls over
// value slots, with buffers planned once and reused on every later call.
#pragma once
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/function.hpp"
#include "core/op.hpp"
#include "core/run_profile.hpp"
#include "core/shared_locks.hpp"

namespace nabla {

struct Step {
  Var var;                              // the node this step computes
  const Op* op = nullptr;
  int out = -1;                         // value index
  std::vector<int> ins;                 // value indices
  std::vector<const Tensor*> in_ptrs;   // &values[ins[k]], stable after compile
  int slot = -1;                        // buffer slot for the output
  int inplace = -1;                     // >= 0: writes into this shared input's buffer (no slot)
  int reuse_input = -1;                 // >= 0: takes over this dying input's slot (in place)
  bool view = false;                    // the op may return a view of an input (no copy, slot unused)
  // Shape memo: the shape function runs only when an input shape or an integer scalar
  // input (a symbolic bound or dim) changed since the last call.
  std::vector<InputInfo> infos;         // the shape function's view of the inputs
  std::vector<Shape> memo_shapes;
  std::vector<int64_t> memo_ints;
  Shape memo_out;
  bool memo_valid = false;
};

struct UpdatePlan {
  VarImpl* target = nullptr;
  int value = -1;          // value index of the new value
  int slot = -1;           // >= 0: swap this slot's buffer with the target's
  std::shared_ptr<Buffer> staging;  // otherwise: copy here first, then swap
  bool in_place = false;   // the step computing it wrote straight into the target
};

class Program {
 public:
  // shared_in_place = false: no step writes a shared variable's buffer, even
  // for the update it computes (Debug's reference, which runs without updates).
  Program(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const Updates& updates,
          const Givens& givens, Mode mode, bool shared_in_place = true);
  ~Program();  // prints the run profile when NABLA_PROFILE=1
  const std::vector<Tensor>& run(const std::vector<Tensor>& args, bool apply_updates = true);
  void print_profile() const;  // steps and phases on stderr (NABLA_PRINT_PROGRAMS=1)

  std::vector<Var> inputs;
  std::vector<Var> outputs;  // after rewrites
  std::vector<Var> update_targets;  // user updates' targets, then default updates'
  Mode mode;
  PlanStats stats;
  std::vector<std::pair<std::string, int>> rewrites;
  std::vector<Var> vars;  // value index -> var
  std::vector<Step> steps;
  std::shared_ptr<Program> reference;  // Debug mode: the unoptimized program
  std::mutex call_mutex;               // one call at a time (Function::operator())
  // The locks of every shared variable the call reads or updates (the Debug
  // reference's too): core/shared_locks.hpp.
  std::vector<SharedVarLocks::Access> shared_access;
  SharedVarLocks::Plan shared_locks;
  RunProfile profile;                  // seconds per step, when enabled

 private:
  bool shared_in_place_;
  template <class F> void timed_phase(const char* name, F&& f);
  void linearize(const std::vector<Var>& roots, size_t n_outputs);
  // Which value each step's output may overwrite, and the buffers (memory_plan.cpp).
  struct Lifetimes {
    std::vector<int> last_use;    // value -> last step reading it (steps.size(): read after the run)
    std::unordered_set<int> swapped;  // update values swapped into their shared variable
    std::unordered_set<int> dedicated;  // values whose slot a swapped update value takes over
  };
  Lifetimes lifetimes() const;
  void plan_inplace(Lifetimes& life);
  void plan_slots(const Lifetimes& life);
  void run_step(Step& s);
  void run_steps_profiled();
  void apply_updates();
  void plan_shared_access();
  void run_steps();

  std::vector<Tensor> values_;
  std::vector<std::shared_ptr<Buffer>> slots_;
  std::vector<int> input_index_;
  std::vector<std::pair<int, VarImpl*>> shared_leaves_;
  std::vector<int> output_index_;
  std::vector<UpdatePlan> updates_;
  std::vector<Tensor> results_;
  uint64_t allocs_this_call_ = 0;
  // Steps before the first one that writes a shared variable in place: a call
  // may stop before any of them (interrupt_requested()) with nothing updated.
  size_t interruptible_steps_ = 0;
};

}  // namespace nabla
