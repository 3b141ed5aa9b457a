#include "core/shared_locks.hpp"

#include <map>

namespace nabla {

namespace {
constexpr size_t kLocks = 1024;
std::shared_mutex g_locks[kLocks];
size_t lock_index(const VarImpl* v) { return size_t(v->id % kLocks); }
}  // namespace

std::shared_mutex& shared_var_lock(const VarImpl* v) { return g_locks[lock_index(v)]; }

SharedVarLocks::Plan SharedVarLocks::plan(const std::vector<Access>& access) {
  std::map<size_t, bool> exclusive;  // lock index -> any access writes
  for (const Access& a : access) exclusive[lock_index(a.var)] |= a.writes;
  Plan p;
  for (const auto& [index, writes] : exclusive) p.locks.push_back({&g_locks[index], writes});
  return p;
}

SharedVarLocks::SharedVarLocks(const Plan& plan) : plan_(plan) {
  for (const auto& [m, exclusive] : plan_.locks) exclusive ? m->lock() : m->lock_shared();
}

SharedVarLocks::~SharedVarLocks() {
  for (auto it = plan_.locks.rbegin(); it != plan_.locks.rend(); ++it)
    it->second ? it->first->unlock() : it->first->unlock_shared();
}

}  // namespace nabla
