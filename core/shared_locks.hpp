// Locks over shared variables, so that calls of different functions touching
// the same variable from several threads have defined results. A call holds
// every shared variable it updates exclusively and every one it only reads
// shared, from its first step to its last update (and call_copy's copy):
// two functions updating one variable run one whole call after the other,
// each seeing the other's complete result (never a torn value), while
// functions that only read a variable run together. Var::get_value and
// Var::set_value take the same lock.
//
// The locks live in a fixed table indexed by the variable's id (ids are
// sequential, so variables created near each other never share a lock);
// two variables that do share one are simply locked once.
#pragma once
#include <shared_mutex>
#include <vector>

#include "core/var.hpp"

namespace nabla {

std::shared_mutex& shared_var_lock(const VarImpl* v);

// The locks of one call, taken in table order (no deadlock between calls).
class SharedVarLocks {
 public:
  struct Access {
    const VarImpl* var;
    bool writes;
  };
  // The distinct locks of `access`, in the order calls must take them.
  struct Plan {
    std::vector<std::pair<std::shared_mutex*, bool>> locks;  // (lock, exclusive)
  };
  static Plan plan(const std::vector<Access>& access);

  explicit SharedVarLocks(const Plan& plan);
  ~SharedVarLocks();
  SharedVarLocks(const SharedVarLocks&) = delete;
  SharedVarLocks& operator=(const SharedVarLocks&) = delete;

 private:
  const Plan& plan_;
};

}  // namespace nabla
