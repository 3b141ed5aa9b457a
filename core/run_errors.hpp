// Errors raised while a compiled program runs, beside those of core/error.hpp.
#pragma once
#include "core/error.hpp"

namespace nabla {

// An index out of range: a class label past the number of classes (or
// negative), x[arange(n), y] with y out of range. Python's IndexError; still a
// ValueError to C++ callers.
struct IndexError : ValueError {
  using ValueError::ValueError;
};

// A call stopped between steps because its thread was asked to stop (Ctrl-C
// from Python, core/interrupt.hpp); no update of the call was applied.
struct Interrupted : Error {
  using Error::Error;
};

}  // namespace nabla
