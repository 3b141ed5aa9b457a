// The memory plan: which buffer each step writes, decided once at compile time.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/program.hpp"

namespace nabla {

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

}  // namespace nabla
