#include "core/interrupt.hpp"

namespace nabla {

namespace {
thread_local const std::atomic<bool>* t_flag = nullptr;
}

InterruptScope::InterruptScope(const std::atomic<bool>* flag) : saved_(t_flag) {
  if (flag) t_flag = flag;
}

InterruptScope::~InterruptScope() { t_flag = saved_; }

bool interrupt_requested() { return t_flag && t_flag->load(std::memory_order_relaxed); }

}  // namespace nabla
