// The in-place phase and the memory plan: which buffer each step writes,
// decided once at compile time (Theano's destroy map and ggml's static
// allocator, over a linear program).
//
// Safety rules for writing into an input's buffer (the op must allow it,
// Op::may_overwrite_input, and the input must have the output's dtype and a
// static shape equal to the output's):
//   - an intermediate value: no step after this one reads it, and it is neither
//     an output nor an update value; the output then takes over its slot;
//   - a shared variable: only the update of that very variable, by its last
//     reader (so every other reader saw the old value), and not under NanGuard
//     (a step failing after the write would leave the variable half-updated);
//   - never a function input (the caller's memory) or a constant.
// Views (Op::view_input): a step whose output may share an input's memory keeps
// that input (and, through chains, its base) alive until the view's last reader,
// is never overwritten in place, and is never swapped into a shared variable
// (an update that is a view is copied in). Its slot is used only when the view
// is not possible for the values at hand.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/program.hpp"

namespace nabla {

Program::Lifetimes Program::lifetimes() const {
  Lifetimes life;
  const int forever = int(steps.size());
  life.last_use.assign(vars.size(), -1);
  for (size_t p = 0; p < steps.size(); ++p)
    for (int k : steps[p].ins) life.last_use[size_t(k)] = int(p);
  for (int k : output_index_) life.last_use[size_t(k)] = forever;
  std::unordered_map<int, int> value_users;  // how many updates use a value
  for (const auto& u : updates_) {
    life.last_use[size_t(u.value)] = forever;
    ++value_users[u.value];
  }
  // A view's base lives as long as the view: latest views first, so chains of
  // views carry the lifetime down to the first base.
  for (size_t p = steps.size(); p-- > 0;) {
    const Step& s = steps[p];
    if (!s.view) continue;
    const int base = s.ins[size_t(s.op->view_input())];
    life.last_use[size_t(base)] = std::max(life.last_use[size_t(base)], life.last_use[size_t(s.out)]);
  }
  // An update value computed by a step of its own is swapped into its shared
  // variable; the variable's old buffer comes back into the value's slot. That
  // slot must be dedicated: shared with a larger temporary it would be regrown on
  // every call.
  std::unordered_set<int> outputs_set(output_index_.begin(), output_index_.end());
  std::unordered_set<int> computed;  // by a step that writes its own buffer
  for (const Step& s : steps)
    if (!s.view) computed.insert(s.out);
  for (const auto& u : updates_)
    if (computed.count(u.value) && !outputs_set.count(u.value) && value_users[u.value] == 1)
      life.swapped.insert(u.value);
  return life;
}

void Program::plan_inplace(Lifetimes& life) {
  std::unordered_set<int> update_values;
  for (const auto& u : updates_) update_values.insert(u.value);
  std::unordered_set<int> computed;  // by a step that writes its own buffer (not a view)
  for (const Step& s : steps)
    if (!s.view) computed.insert(s.out);
  for (size_t p = 0; p < steps.size(); ++p) {
    Step& s = steps[p];
    if (s.view) {
      ++stats.view_steps;
      continue;
    }
    for (int i = 0; i < int(s.ins.size()) && s.inplace < 0 && s.reuse_input < 0; ++i) {
      if (!s.op->may_overwrite_input(i)) continue;
      const int k = s.ins[size_t(i)];
      const Var& in = vars[size_t(k)];
      if (life.last_use[size_t(k)] != int(p) || std::count(s.ins.begin(), s.ins.end(), k) != 1) continue;
      if (in.dtype() != s.var.dtype() || !in.shape().known() || in.shape() != s.var.shape()) continue;
      if (in.role() == Role::Shared) {
        if (mode == Mode::NanGuard || !shared_in_place_ || !life.swapped.count(s.out)) continue;
        for (auto& u : updates_)
          if (u.value == s.out && u.target == in.impl()) {
            s.inplace = i;
            u.in_place = true;
            life.swapped.erase(s.out);
          }
      } else if (in.role() == Role::Intermediate && computed.count(k) && !update_values.count(k)) {
        s.reuse_input = i;
        // A swapped update value's slot must hold nothing else (see lifetimes()):
        // the input it takes over then gets a fresh slot of its own.
        if (life.swapped.count(s.out)) life.dedicated.insert(k);
      }
    }
    if (s.inplace >= 0 || s.reuse_input >= 0) ++stats.inplace_steps;
  }
}

// Buffers are reused once their value is dead: a value's slot returns to the
// free list after the last step that reads it. Outputs and update values live
// to the end of the call. Each slot grows to the largest value it ever holds,
// so after the first call with given shapes nothing is allocated.
void Program::plan_slots(const Lifetimes& life) {
  const auto& last_use = life.last_use;
  std::vector<int> slot_of(vars.size(), -1);
  std::vector<int> free_slots;
  int n_slots = 0;
  for (size_t p = 0; p < steps.size(); ++p) {
    Step& s = steps[p];
    if (s.inplace >= 0) {
      s.slot = -1;
    } else if (s.reuse_input >= 0 && slot_of[size_t(s.ins[size_t(s.reuse_input)])] >= 0) {
      const int k = s.ins[size_t(s.reuse_input)];
      s.slot = slot_of[size_t(k)];
      slot_of[size_t(k)] = -1;  // handed over, not freed
    } else if (!free_slots.empty() && !life.swapped.count(s.out) && !life.dedicated.count(s.out)) {
      // Reuse the most recently freed slot (its memory is likely still in cache).
      s.slot = free_slots.back();
      free_slots.pop_back();
    } else {
      s.slot = n_slots++;
    }
    for (int k : s.ins)
      if (last_use[size_t(k)] == int(p) && slot_of[size_t(k)] >= 0) {
        free_slots.push_back(slot_of[size_t(k)]);
        slot_of[size_t(k)] = -1;  // an input listed twice (mul(x, x)) is freed once
      }
    if (s.slot >= 0) slot_of[size_t(s.out)] = s.slot;
    if (last_use[size_t(s.out)] < 0 && s.slot >= 0) {  // a value nothing reads
      free_slots.push_back(s.slot);
      slot_of[size_t(s.out)] = -1;
    }
  }
  slots_.assign(size_t(n_slots), nullptr);
  stats.slots = size_t(n_slots);
  for (auto& u : updates_) u.slot = life.swapped.count(u.value) ? slot_of[size_t(u.value)] : -1;
}

}  // namespace nabla
