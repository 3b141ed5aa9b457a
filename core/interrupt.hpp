// Stopping a long call cleanly. A thread that may be asked to stop (Python's
// main thread on Ctrl-C) installs a flag for the duration of a call or a
// training loop; compiled programs check it between steps and throw
// Interrupted before any update of the call is applied, so parameters are
// never left half-updated. Threads without a flag are never interrupted.
#pragma once
#include <atomic>

#include "core/run_errors.hpp"

namespace nabla {

class InterruptScope {
 public:
  // `flag` stays owned by the caller; nullptr leaves the thread uninterruptible.
  explicit InterruptScope(const std::atomic<bool>* flag);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  // True when this scope is the thread's outermost one (the caller then resets the flag).
  bool outermost() const { return saved_ == nullptr; }

 private:
  const std::atomic<bool>* saved_;
};

// True when the calling thread's flag is set (cheap: one thread-local load).
bool interrupt_requested();

}  // namespace nabla
