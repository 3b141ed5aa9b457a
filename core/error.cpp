#include "core/error.hpp"

namespace nabla {

std::string Loc::str() const {
  if (!known()) return "<unknown location>";
  return std::string(file) + ":" + std::to_string(line);
}

namespace {
thread_local Loc g_override;
thread_local bool g_has_override = false;
}  // namespace

ScopedLoc::ScopedLoc(Loc loc) : saved_(g_override), had_(g_has_override) {
  g_override = loc;
  g_has_override = true;
}
ScopedLoc::~ScopedLoc() {
  g_override = saved_;
  g_has_override = had_;
}
const Loc* ScopedLoc::active() { return g_has_override ? &g_override : nullptr; }

}  // namespace nabla
