#include "core/grad_origin.hpp"

#include <algorithm>
#include <map>
#include <mutex>

#include "core/op.hpp"

namespace nabla {

namespace {
struct Origin {
  uint64_t end;
  std::string what;
};
std::mutex g_mutex;
std::map<uint64_t, Origin> g_ranges;  // first id -> (end id, description)

std::string describe(const Var& forward) {
  return "the gradient of " + forward.op()->name() + " (created at " + forward.loc().str() + ")";
}
}  // namespace

void note_gradient_nodes(uint64_t first, uint64_t end, const Var& forward) {
  if (first >= end || forward.is_leaf()) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  g_ranges[first] = Origin{end, describe(forward)};
}

std::string gradient_origin(const Var& v) {
  if (!v.defined()) return "";
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_ranges.upper_bound(v.id());
  if (it == g_ranges.begin()) return "";
  --it;
  return v.id() < it->second.end ? it->second.what : "";
}

void inherit_gradient_origin(const Var& original, const Var& rebuilt) {
  const std::string what = gradient_origin(original);
  if (what.empty()) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  g_ranges[rebuilt.id()] = Origin{rebuilt.id() + 1, what};
}

}  // namespace nabla
