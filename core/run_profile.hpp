// Run-time profile of a compiled function (Theano's profile=True): seconds spent
// in each step over all calls, summed per op. On when NABLA_PROFILE=1 is set (the
// table is printed to stderr when the function is destroyed) or when asked for
// with Function::enable_profile(); off, a call costs one branch per step.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace nabla {

struct Step;

struct RunProfile {
  bool enabled = false;
  uint64_t calls = 0;
  std::vector<double> step_seconds;  // per step, over all profiled calls

  // True when NABLA_PROFILE=1 is in the environment (read once).
  static bool requested_by_environment();
  // The table: per op (summed over its steps), then the slowest steps, each with
  // its share of the total and microseconds per call.
  std::string table(const std::vector<Step>& steps) const;
};

}  // namespace nabla
