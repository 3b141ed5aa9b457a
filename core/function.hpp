// function(): compile a graph into a flat program over planned buffers.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/var.hpp"

namespace nabla {

using Update = std::pair<Var, Var>;  // (shared variable, its new value)
using Updates = std::vector<Update>;
using Givens = std::vector<std::pair<Var, Var>>;  // (var, replacement)

enum class Mode {
  FastRun,      // every rewrite pass
  FastCompile,  // merge only
  Debug,        // run optimized and unoptimized programs and compare outputs
  NanGuard,     // FastRun, but stop at the first step producing NaN/Inf and name it
};

// One phase of the compile pipeline: what fired in it and how long it took.
struct PhaseStats {
  std::string phase;   // "merge", "canonicalize", ..., "linearize", "inplace", "memory_plan"
  double seconds = 0;
  int sweeps = 0;      // graph phases: passes over the graph until nothing changed
  std::vector<std::pair<std::string, int>> rewrites;  // rewrite name -> times fired
};

struct PlanStats {
  size_t steps = 0;           // kernel calls per run
  size_t slots = 0;           // distinct buffers the program owns
  size_t bytes = 0;           // bytes those buffers hold
  uint64_t calls = 0;         // times the function ran
  uint64_t allocations = 0;   // buffer (re)allocations over all calls
  uint64_t last_call_allocations = 0;
  size_t inplace_steps = 0;   // steps writing into an input's buffer
  size_t view_steps = 0;      // steps whose output is a view of an input (no copy, no buffer)
  double compile_seconds = 0;
  std::vector<PhaseStats> phases;  // in pipeline order (Theano's optimizer profile)
};

class Program;

class Function {
 public:
  Function() = default;
  // Runs the program. `args` follow the `inputs` given to function(). The
  // returned tensors are views of the function's own buffers, valid until the
  // next call (copy() them to keep them); updates are applied after all outputs
  // and update values were computed from the old values.
  const std::vector<Tensor>& operator()(const std::vector<Tensor>& args = {});
  const std::vector<Tensor>& call(const std::vector<Tensor>& args = {}) { return (*this)(args); }
  // Threads: calls of one Function (and of its copies, which share the program)
  // are serialized by a lock of its own; different Functions run in parallel.
  // The tensors operator() returns are the function's buffers until its next
  // call from any thread, so a thread sharing a Function uses call_copy(),
  // which copies them out under that lock.
  std::vector<Tensor> call_copy(const std::vector<Tensor>& args = {});

  const PlanStats& stats() const;
  // Run-time profile (Theano's profile=True): time every step of later calls;
  // profile_text() gives seconds per op and the slowest steps. NABLA_PROFILE=1
  // turns it on for every function and prints each table when it is destroyed.
  void enable_profile(bool on = true);
  std::string profile_text() const;
  // The optimized graph, one line per step (for debugprint).
  std::string program_text() const;
  const std::vector<Var>& inputs() const;
  const std::vector<Var>& outputs() const;  // the optimized output vars
  // The shared variables each call updates: the given updates' targets, then the
  // default updates (random streams) the graph pulled in. What a checkpoint saves.
  const std::vector<Var>& update_targets() const;
  // Rewrites that fired while compiling ("merge", "constant_fold", ...) with counts.
  const std::vector<std::pair<std::string, int>>& rewrites_applied() const;

 private:
  const std::vector<Tensor>& run_locked(const std::vector<Tensor>& args);
  friend Function function(const std::vector<Var>&, const std::vector<Var>&, const Updates&,
                           const Givens&, Mode);
  std::shared_ptr<Program> prog_;
};

Function function(const std::vector<Var>& inputs, const std::vector<Var>& outputs,
                  const Updates& updates = {}, const Givens& givens = {},
                  Mode mode = Mode::FastRun);

// Threads used by kernels (OpenBLAS is kept at one thread; see README).
void set_num_threads(int n);
int num_threads();

}  // namespace nabla
