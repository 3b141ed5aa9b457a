// Ctrl-C during a long call. Python's SIGINT handler only marks the signal;
// KeyboardInterrupt is raised when the main thread next runs Python code, which
// a long compiled call or a C++ training loop would delay until it ends. So
// nabla wraps Python's handler with one that also sets a flag; compiled
// programs run from the main thread check it between steps (core/interrupt.hpp)
// and stop before any update of the call is applied. The exception translator
// (errors.cpp) then lets Python raise KeyboardInterrupt.
#include <signal.h>

#include <atomic>
#include <memory>

#include "bindings.hpp"

namespace nabla::python {

namespace {

std::atomic<bool> g_sigint{false};
struct sigaction g_previous;  // the handler nabla's wraps (Python's)
unsigned long g_main_thread = 0;

void on_sigint(int sig, siginfo_t* info, void* context) {
  g_sigint.store(true, std::memory_order_relaxed);
  if (g_previous.sa_flags & SA_SIGINFO) {
    if (g_previous.sa_sigaction) g_previous.sa_sigaction(sig, info, context);
  } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
    g_previous.sa_handler(sig);
  }
}

// Wraps the current SIGINT handler unless it is already nabla's, or is the
// default or ignore (then Ctrl-C keeps doing what the program asked for).
// Checked again on every call because Python's signal.signal() installs its
// own handler afresh.
void ensure_sigint_handler() {
  struct sigaction current;
  if (sigaction(SIGINT, nullptr, &current) != 0) return;
  if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == on_sigint) return;
  if (!(current.sa_flags & SA_SIGINFO) && (current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN)) return;
  g_previous = current;
  struct sigaction mine = current;
  mine.sa_sigaction = on_sigint;
  mine.sa_flags = current.sa_flags | SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGINT, &mine, nullptr);
}

bool on_main_thread() { return PyThread_get_thread_ident() == g_main_thread; }

// Signal handlers must not run on the stack of a thread inside oneDNN's JIT
// sgemm: a SIGINT handled there (Python's handler alone, before nabla wrapped
// it) corrupted the heap. Python's handlers ask for the alternate signal stack
// (SA_ONSTACK), so every thread that runs nabla code gets one, once; it is
// switched off before its memory goes when the thread ends.
class SignalStack {
 public:
  SignalStack() {
    stack_t old;
    if (sigaltstack(nullptr, &old) != 0 || !(old.ss_flags & SS_DISABLE)) return;  // the thread has one
    const size_t bytes = 1 << 16;
    memory_ = std::make_unique<char[]>(bytes);
    stack_t mine{};
    mine.ss_sp = memory_.get();
    mine.ss_size = bytes;
    if (sigaltstack(&mine, nullptr) != 0) memory_.reset();
  }
  ~SignalStack() {
    if (!memory_) return;
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
  }

 private:
  std::unique_ptr<char[]> memory_;
};

void ensure_signal_stack() { thread_local SignalStack stack; }

}  // namespace

PyInterruptScope::PyInterruptScope() : scope_(on_main_thread() ? &g_sigint : nullptr) {
  ensure_signal_stack();
  if (on_main_thread() && scope_.outermost()) {
    ensure_sigint_handler();
    g_sigint.store(false, std::memory_order_relaxed);
  }
}

void raise_keyboard_interrupt() {
  g_sigint.store(false, std::memory_order_relaxed);
  if (PyErr_CheckSignals() == 0) PyErr_SetNone(PyExc_KeyboardInterrupt);  // the handler raised nothing itself
}

void init_interrupts() {
  g_main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
  ensure_signal_stack();
  ensure_sigint_handler();
}

}  // namespace nabla::python
